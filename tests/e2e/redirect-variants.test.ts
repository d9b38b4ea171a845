import { randomBytes } from "node:crypto";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import { createTestUser, deleteTestUser, uniqueEmail, type TestUser } from "./helpers";

// Open-redirect attempts through every place the app honours a callbackUrl, in real Chromium (which strips
// TAB/LF/CR from URLs and reads `\` as `/`) and against Auth.js's own credentials endpoint. Whatever the value,
// the browser must end on the app's origin and nothing may answer 5xx. The browser never leaves the machine: no
// host name but localhost resolves, and a request to any other origin is recorded, so one attempted fails the test.
const { baseUrl, strategy } = e2eTarget();
const origin = new URL(baseUrl).origin;
const port = new URL(baseUrl).port;
const db = e2eDb();
const FALLBACK = "/dashboard";
// Each browser test makes up to a hundred navigations or sign-ins; on a loaded 2-core machine that outlasts the
// default e2e timeout.
const BROWSER_TEST_TIMEOUT_MS = 300_000;
const SAFE_LANDING = "/account?tab=1";

/** `fallback`: must end on /dashboard. `path`: a harmless same-origin path (usually a 404 page) is fine. */
type Expect = "fallback" | "path" | typeof SAFE_LANDING;
type Variant = { name: string; value: string; expect: Expect };

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
const controlCodes = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f];

const controlVariants: Variant[] = controlCodes.flatMap((code) => {
  const ch = String.fromCharCode(code);
  return [
    { name: `/${hex(code)}/evil.example`, value: `/${ch}/evil.example`, expect: "fallback" as const },
    { name: `${hex(code)}//evil.example`, value: `${ch}//evil.example`, expect: "fallback" as const },
  ];
});

const otherVariants: Variant[] = [
  { name: "space before //", value: " //evil.example", expect: "fallback" },
  { name: "space after /", value: "/ /evil.example", expect: "fallback" },
  { name: "NBSP after /", value: "/\u00a0/evil.example", expect: "fallback" },
  { name: "ideographic space after /", value: "/\u3000/evil.example", expect: "fallback" },
  { name: "\\evil.example", value: "\\evil.example", expect: "fallback" },
  { name: "/\\evil.example", value: "/\\evil.example", expect: "fallback" },
  { name: "\\\\evil.example", value: "\\\\evil.example", expect: "fallback" },
  { name: "\\/evil.example", value: "\\/evil.example", expect: "fallback" },
  { name: "/\\/evil.example", value: "/\\/evil.example", expect: "fallback" },
  { name: "/%09/evil.example", value: "/%09/evil.example", expect: "path" },
  { name: "/%0A/evil.example", value: "/%0A/evil.example", expect: "path" },
  { name: "/%0D/", value: "/%0D/", expect: "path" },
  { name: "/%5Cevil.example", value: "/%5Cevil.example", expect: "path" },
  { name: "/%E3%80%82evil.example", value: "/%E3%80%82evil.example", expect: "path" },
  { name: "full-width ／／evil.example", value: "\uff0f\uff0fevil.example", expect: "fallback" },
  { name: "/ then full-width ／evil.example", value: "/\uff0fevil.example", expect: "path" },
  { name: "//evil。example (U+3002)", value: "//evil\u3002example", expect: "fallback" },
  { name: "//evil．example (U+FF0E)", value: "//evil\uff0eexample", expect: "fallback" },
  { name: "//evil｡example (U+FF61)", value: "//evil\uff61example", expect: "fallback" },
  { name: "https:evil.example", value: "https:evil.example", expect: "fallback" },
  { name: "https:/evil.example", value: "https:/evil.example", expect: "fallback" },
  { name: "https://evil.example", value: "https://evil.example", expect: "fallback" },
  { name: "//evil.example", value: "//evil.example", expect: "fallback" },
  { name: "///evil.example", value: "///evil.example", expect: "fallback" },
  { name: "////evil.example", value: "////evil.example", expect: "fallback" },
  { name: "/.//evil.example", value: "/.//evil.example", expect: "fallback" },
  { name: "/..//evil.example", value: "/..//evil.example", expect: "fallback" },
  { name: "http://localhost:PORT@evil.example", value: `http://localhost:${port}@evil.example`, expect: "fallback" },
  { name: "//localhost:PORT@evil.example", value: `//localhost:${port}@evil.example`, expect: "fallback" },
  { name: "/%2F%2Fevil.example", value: "/%2F%2Fevil.example", expect: "path" },
  { name: "%2F%2Fevil.example", value: "%2F%2Fevil.example", expect: "fallback" },
  { name: "/%252F%252Fevil.example", value: "/%252F%252Fevil.example", expect: "path" },
  { name: "%252F%252Fevil.example", value: "%252F%252Fevil.example", expect: "fallback" },
  { name: "javascript:alert(1)", value: "javascript:alert(1)", expect: "fallback" },
  { name: "JaVaScRiPt:alert(1) after TAB", value: "\tJaVaScRiPt:alert(1)", expect: "fallback" },
  { name: "data:text/html", value: "data:text/html,<script>alert(1)</script>", expect: "fallback" },
  { name: "safe control /account?tab=1#x", value: "/account?tab=1#x", expect: SAFE_LANDING },
];

const allVariants = [...controlVariants, ...otherVariants];
const named = (...names: string[]) => allVariants.filter((v) => names.includes(v.name));
// A full sign-in costs a bcrypt round, a session and a page render per variant, so (a) runs on samples. Through the
// link, the login page already replaces an unsafe value with /dashboard in its hidden field: the sample there is
// every value that survives as a same-origin path, the safe control, and a few that must not. With the hidden field
// rewritten in the page, the server action's own check is all that stands: the controls that browsers strip or that
// break headers (NUL, TAB, LF, CR, ESC, US, DEL) in both positions, and every other variant. The signed-in visits
// (b, c) and the Auth.js endpoint are cheap and get every variant.
const linkSample = [
  ...otherVariants.filter((v) => v.expect !== "fallback"),
  ...named(
    "//evil.example",
    "/\\evil.example",
    `/${hex(0x09)}/evil.example`,
    "javascript:alert(1)",
    "http://localhost:PORT@evil.example",
  ),
];
const sampledControls = [0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f].map(hex);
const rewriteSample = [
  ...controlVariants.filter((v) => sampledControls.some((code) => v.name.includes(code))),
  ...otherVariants,
];

let browser: { context: BrowserContext; close: () => Promise<void> };
let user: TestUser;
const registeredEmails: string[] = [];
const offOrigin: string[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  user = await createTestUser(db, "redirect");
  browser = await launchBrowser({ extraArgs: ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost"] });
  browser.context.on("request", (request) => {
    if (new URL(request.url()).origin !== origin) offOrigin.push(request.url());
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  if (user) await deleteTestUser(db, user);
  await db.user.deleteMany({ where: { email: { in: registeredEmails } } });
  await db.$disconnect();
});

/** What is wrong with where the page ended up for this variant, or null when it is fine. */
function landingProblem(page: Page, variant: Variant, serverErrors: string[]): string | null {
  if (serverErrors.length) return `5xx: ${serverErrors.join(", ")}`;
  const current = page.url();
  if (!current.startsWith(`${origin}/`)) return `ended on ${current}`;
  const url = new URL(current);
  const landed = url.pathname + url.search;
  if (variant.expect === "fallback" && landed !== FALLBACK) return `ended on ${landed}, expected ${FALLBACK}`;
  if (variant.expect === SAFE_LANDING && landed !== SAFE_LANDING) return `ended on ${landed}, expected ${SAFE_LANDING}`;
  if (url.pathname.startsWith("//")) return `ended on a protocol-relative-looking path ${landed}`;
  return null;
}

/**
 * Runs `visit` for every variant in one tab that records 5xx answers and dialogs (a `javascript:` URL that ran
 * would open one), and returns what went wrong, one line per variant.
 */
async function problemsOver(
  variants: Variant[],
  visit: (page: Page, variant: Variant) => Promise<void>,
): Promise<string[]> {
  const page = await browser.context.newPage();
  const serverErrors: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 500) serverErrors.push(`${response.status()} ${response.url()}`);
  });
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const problems: string[] = [];
  try {
    for (const variant of variants) {
      serverErrors.length = 0;
      try {
        await visit(page, variant);
        const problem = landingProblem(page, variant, serverErrors);
        if (problem) problems.push(`${variant.name}: ${problem}`);
      } catch (error) {
        problems.push(`${variant.name}: ${(error as Error).message.split("\n")[0]} (page at ${page.url()})`);
      }
    }
  } finally {
    await page.close();
  }
  return problems;
}

const withCallback = (path: string, value: string) => `${baseUrl}${path}?callbackUrl=${encodeURIComponent(value)}`;
const rewriteHiddenCallback = (page: Page, value: string) =>
  page
    .locator('input[name="callbackUrl"]')
    .evaluate((input, rewritten) => ((input as HTMLInputElement).value = rewritten), value);

/** Submits the form on the current page and waits until the app has navigated away from `from`. */
async function submitAndLeave(page: Page, from: string) {
  await page.locator("main form button[type=submit]").click();
  await page.waitForURL((url) => url.pathname !== from, { timeout: 15_000 });
  await page.waitForLoadState("load");
}

async function fillLogin(page: Page) {
  await page.fill('input[name="email"]', user.email);
  await page.fill('input[name="password"]', user.password);
}

async function fillRegistration(page: Page) {
  const email = uniqueEmail("redirect-register");
  registeredEmails.push(email);
  await page.fill('input[name="name"]', "Redirect Tester");
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', `Quiet-Harbor-${randomBytes(6).toString("hex")}-Lantern`);
}

async function signInBrowser() {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}/login`);
  await fillLogin(page);
  await submitAndLeave(page, "/login");
  expect(new URL(page.url()).pathname).toBe(FALLBACK);
  await page.close();
}

describe(`callbackUrl open-redirect variants in Chromium (${strategy})`, () => {
  it(
    `(a) a real sign-in through the login form reached by /login?callbackUrl=… ends on the app's origin (${linkSample.length} sampled variants)`,
    async () => {
      const problems = await problemsOver(linkSample, async (page, variant) => {
        await browser.context.clearCookies();
        await page.goto(withCallback("/login", variant.value));
        await fillLogin(page);
        await submitAndLeave(page, "/login");
      });
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    `(a) the login form's hidden callbackUrl rewritten in the page before a real sign-in: the server action refuses it too (${rewriteSample.length} sampled variants)`,
    async () => {
      const problems = await problemsOver(rewriteSample, async (page, variant) => {
        await browser.context.clearCookies();
        await page.goto(`${baseUrl}/login`);
        await rewriteHiddenCallback(page, variant.value);
        await fillLogin(page);
        await submitAndLeave(page, "/login");
      });
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    `(b) a signed-in visitor opening /login?callbackUrl=… is redirected on the app's origin (${allVariants.length} variants)`,
    async () => {
      await signInBrowser();
      const visit = async (page: Page, variant: Variant) =>
        void (await page.goto(withCallback("/login", variant.value)));
      const problems = await problemsOver(allVariants, visit);
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    `(c) a signed-in visitor opening /register?callbackUrl=… is redirected on the app's origin (${allVariants.length} variants)`,
    async () => {
      await signInBrowser();
      const visit = async (page: Page, variant: Variant) =>
        void (await page.goto(withCallback("/register", variant.value)));
      const problems = await problemsOver(allVariants, visit);
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    "(c) registering through the form with a hostile callbackUrl, in the link or rewritten in the page, ends on the app's origin",
    async () => {
      const sample = named(
        "//evil.example",
        "/\\evil.example",
        `/${hex(0x09)}/evil.example`,
        "javascript:alert(1)",
        "safe control /account?tab=1#x",
      );
      const fromLink = await problemsOver(sample, async (page, variant) => {
        await browser.context.clearCookies();
        await page.goto(withCallback("/register", variant.value));
        await fillRegistration(page);
        await submitAndLeave(page, "/register");
      });
      const rewritten = await problemsOver(sample, async (page, variant) => {
        await browser.context.clearCookies();
        await page.goto(`${baseUrl}/register`);
        await rewriteHiddenCallback(page, variant.value);
        await fillRegistration(page);
        await submitAndLeave(page, "/register");
      });
      expect([...fromLink, ...rewritten]).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it("no request ever left the app's origin and no script dialog opened", () => {
    expect(offOrigin).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});

describe(`Auth.js POST /api/auth/callback/credentials with hostile callback URLs (${strategy})`, () => {
  type Delivery = "callbackUrl field" | "callbackUrl query" | "redirectTo field" | "callback-url cookie";
  type Answer = { variant: Variant; status: number; location: string | null; offOrigin: string | null };

  /** Follows the redirect chain (up to 4 hops) with the client's cookies: the first Location off the origin, or null. */
  async function offOriginHop(client: HttpClient, first: Response): Promise<string | null> {
    let response = first;
    for (let hop = 0; hop < 4; hop++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return null;
      const next = new URL(location, origin);
      if (next.origin !== origin) return `hop ${hop}: Location ${location}`;
      response = await client.fetch(next.pathname + next.search);
    }
    return "more than 4 redirects";
  }

  /** Signs the throwaway user in (right password) once per variant with the value delivered one way. */
  async function answersFor(delivery: Delivery): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (const variant of allVariants) {
      const client = new HttpClient(baseUrl);
      if (delivery === "callback-url cookie")
        client.cookies.set("authjs.callback-url", encodeURIComponent(variant.value));
      const csrf = await client.fetch("/api/auth/csrf");
      const csrfToken = csrf.ok ? ((await csrf.json()) as { csrfToken: string }).csrfToken : "";
      const form: Record<string, string> = { csrfToken, email: user.email, password: user.password };
      if (delivery === "callbackUrl field") form.callbackUrl = variant.value;
      if (delivery === "redirectTo field") form.redirectTo = variant.value;
      const query = delivery === "callbackUrl query" ? `?callbackUrl=${encodeURIComponent(variant.value)}` : "";
      const response = await client.fetch(`/api/auth/callback/credentials${query}`, { method: "POST", form });
      const status = Math.max(csrf.status >= 500 ? csrf.status : 0, response.status);
      answers.push({
        variant,
        status,
        location: response.headers.get("location"),
        offOrigin: await offOriginHop(client, response),
      });
    }
    const kinds = new Map<string, number>();
    for (const { status, location } of answers) {
      const redirected = status >= 300 && status < 400 && location;
      const kind = redirected
        ? (new URL(location, origin).searchParams.get("error") ?? "signed in")
        : `status ${status}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const summary = JSON.stringify(Object.fromEntries(kinds));
    console.log(
      `[redirect ${strategy}] Auth.js endpoint, ${delivery}: ${allVariants.length} variants, answers ${summary}`,
    );
    return answers;
  }
  const cached = new Map<Delivery, Promise<Answer[]>>();
  const answers = (delivery: Delivery) =>
    cached.get(delivery) ?? cached.set(delivery, answersFor(delivery)).get(delivery)!;
  const fiveHundreds = (list: Answer[]) =>
    list.filter((a) => a.status >= 500).map((a) => `${a.variant.name}: ${a.status}`);

  for (const delivery of [
    "callbackUrl field",
    "callbackUrl query",
    "redirectTo field",
    "callback-url cookie",
  ] as const) {
    it(`every variant in the ${delivery}: the Location and every redirect after it stay on the app's origin`, async () => {
      const list = await answers(delivery);
      expect(list.filter((a) => a.offOrigin).map((a) => `${a.variant.name}: ${a.offOrigin}`)).toEqual([]);
      if (delivery === "callbackUrl field") {
        const safe = list.find((a) => a.variant.expect === SAFE_LANDING)!;
        expect(safe.location).toBe(`${origin}/account?tab=1#x`);
      }
    });
  }

  it("every variant in the redirectTo field (which Auth.js ignores) is answered without a 5xx", async () => {
    expect(fiveHundreds(await answers("redirectTo field"))).toEqual([]);
  });

  // Auth.js's default redirect callback would put a "/…" value into Location unchanged (Node refuses a control
  // character there: a 500 after a Session row was written), and Auth.js answers a callback-url cookie that is not
  // an http(s) URL or a path with a 500 "server configuration" error.
  it("every variant in the callbackUrl field is answered without a 5xx", async () => {
    expect(fiveHundreds(await answers("callbackUrl field"))).toEqual([]);
  });

  it("every variant in the callback-url cookie is answered without a 5xx", async () => {
    expect(fiveHundreds(await answers("callback-url cookie"))).toEqual([]);
  });

  it("every variant in the callbackUrl query parameter is answered without a 5xx", async () => {
    expect(fiveHundreds(await answers("callbackUrl query"))).toEqual([]);
  });
});
