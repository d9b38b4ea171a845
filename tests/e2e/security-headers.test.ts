import type { BrowserContext, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STATIC_CONTENT_SECURITY_POLICY } from "../../lib/security-headers";
import { launchBrowser } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import { freePort, serverEnv, startServer, type RunningServer } from "../../harness/server";
import { createTestUser, deleteTestUser, signedInClient, type TestUser } from "./helpers";

// ASVS 3.4 security headers on every response, and the nonce-based CSP in a real Chromium: every page renders,
// hydrates and runs its forms and the client session provider without a single CSP violation.
const { baseUrl, databaseUrl, strategy, recheckSeconds } = e2eTarget();
const db = e2eDb();
let admin: TestUser;
let user: TestUser;

beforeAll(async () => {
  admin = await createTestUser(db, "csp-admin", "admin");
  user = await createTestUser(db, "csp-user");
});
afterAll(async () => {
  await deleteTestUser(db, admin);
  await deleteTestUser(db, user);
  await db.$disconnect();
});

const SIGNED_OUT_PAGES = ["/", "/login", "/register", "/cart", "/onboarding/step-1"];
const SIGNED_IN_PAGES = ["/", "/dashboard", "/account", "/account/sessions", "/admin", "/cart", "/onboarding/step-1"];
/** Without a draft these resume the form at step 1 (a redirect); the browser test fills the form to reach them. */
const ONBOARDING_REDIRECTS = ["/onboarding", "/onboarding/step-2", "/onboarding/done"];
const COMMON = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

/** The nonce of a page CSP, after checking the policy's shape; fails on a missing or duplicated header. */
function pagePolicyNonce(response: Response, label: string): string {
  const csp = response.headers.get("content-security-policy") ?? "";
  expect(csp, label).not.toContain(", "); // two CSP headers arrive joined with ", " (and both would apply)
  const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/]{22}==)' 'strict-dynamic'(;|$)/.exec(csp)?.[1];
  expect(nonce, `${label}: ${csp}`).toBeTruthy();
  expect(csp, label).toContain(`style-src 'self' 'nonce-${nonce}'`);
  for (const directive of ["object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"])
    expect(csp, label).toContain(directive);
  expect(csp, label).not.toMatch(/unsafe-(eval|inline)/);
  return nonce!;
}

function expectCommonHeaders(response: Response, label: string) {
  for (const [name, value] of Object.entries(COMMON))
    expect(response.headers.get(name), `${label} ${name}`).toBe(value);
  const permissions = response.headers.get("permissions-policy") ?? "";
  for (const feature of [
    "camera=()",
    "microphone=()",
    "geolocation=()",
    "payment=()",
    "usb=()",
    "publickey-credentials-get=(self)",
  ]) {
    expect(permissions, label).toContain(feature);
  }
  expect(response.headers.get("strict-transport-security"), `${label}: HSTS over plain http`).toBeNull();
}

/** A page or bodiless API answer: the proxy's headers with a fresh nonce. */
async function expectProxyHeaders(
  client: HttpClient,
  path: string,
  status: number,
  init: RequestInit = {},
): Promise<string> {
  const response = await client.fetch(path, init);
  expect(response.status, path).toBe(status);
  expectCommonHeaders(response, path);
  const nonce = pagePolicyNonce(response, path);
  const body = await response.text();
  if (response.headers.get("content-type")?.startsWith("text/html") && !path.startsWith("/api/auth")) {
    // Next.js put this request's nonce on every script tag of the page.
    const scripts = [...body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length, path).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
  }
  return nonce;
}

describe(`security headers over HTTP (${strategy})`, () => {
  it("ASVS 3.4 every signed-out page, the 404 page and the proxy's redirect carry the headers, each with its own nonce", async () => {
    const client = new HttpClient(baseUrl);
    const nonces = new Set<string>();
    for (const path of SIGNED_OUT_PAGES) nonces.add(await expectProxyHeaders(client, path, 200));
    for (const path of ONBOARDING_REDIRECTS) nonces.add(await expectProxyHeaders(client, path, 307));
    nonces.add(await expectProxyHeaders(client, "/no-such-page", 404));
    nonces.add(await expectProxyHeaders(client, "/dashboard", 307)); // no session cookie: sent to /login
    nonces.add(await expectProxyHeaders(client, "/login", 200)); // the same page again: a new nonce
    expect(nonces.size).toBe(SIGNED_OUT_PAGES.length + ONBOARDING_REDIRECTS.length + 3);
  });

  it("ASVS 3.4 every signed-in page (admin), and the 403 page for a user without the permission", async () => {
    const adminClient = await signedInClient(admin.email, admin.password);
    for (const path of SIGNED_IN_PAGES) await expectProxyHeaders(adminClient, path, 200);
    for (const path of ONBOARDING_REDIRECTS) await expectProxyHeaders(adminClient, path, 307);
    await expectProxyHeaders(adminClient, "/login", 307); // signed in: sent on to the dashboard
    const userClient = await signedInClient(user.email, user.password);
    await expectProxyHeaders(userClient, "/admin", 403);
  });

  it("ASVS 3.4 API routes, Auth.js's routes and an unknown /api path carry them too", async () => {
    const client = await signedInClient(user.email, user.password);
    for (const [path, status] of [
      ["/api/auth/session", 200],
      ["/api/auth/csrf", 200],
      ["/api/auth/providers", 200],
      ["/api/auth/signout", 200], // Auth.js's confirmation page
    ] as const) {
      await expectProxyHeaders(client, path, status);
    }
    // The app's JSON routes: the same headers with the nonce-less policy (no page, nothing to run or style).
    for (const [path, status] of [
      ["/api/health", 200],
      ["/api/me", 200],
      ["/api/session", 200],
      ["/api/admin/users", 403],
      ["/api/no-such-route", 404],
    ] as const) {
      const response = await client.fetch(path);
      expect(response.status, path).toBe(status);
      expectCommonHeaders(response, path);
      expect(response.headers.get("content-security-policy"), path).toBe(STATIC_CONTENT_SECURITY_POLICY);
    }
  });

  it("ASVS 3.4 requests with a body to /api and static assets get the same headers with a nonce-less policy", async () => {
    const client = new HttpClient(baseUrl);
    const html = await (await client.fetch("/login")).text();
    const asset = /<script[^>]*src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const csrfToken = await client.csrfToken();
    const answers = [
      await client.fetch(asset!),
      await client.fetch("/api/auth/callback/credentials", {
        method: "POST",
        form: { csrfToken, email: "", password: "" },
      }),
      await client.fetch("/api/register", {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
      }),
      await client.fetch("/api/no-such-route", { method: "POST", body: "x" }),
    ];
    expect(answers.map((r) => r.status).slice(0, 2)).toEqual([200, 302]);
    for (const response of answers.slice(2)) expect(response.status).toBeGreaterThanOrEqual(400);
    for (const response of answers) expect(response.status).toBeLessThan(500);
    for (const [i, response] of answers.entries()) {
      expectCommonHeaders(response, `answer ${i}`);
      expect(response.headers.get("content-security-policy"), `answer ${i}`).toBe(STATIC_CONTENT_SECURITY_POLICY);
    }
  });

  it("ASVS 3.4.1 HSTS is sent when a TLS-terminating proxy says https (X-Forwarded-Proto), on pages, API answers and posts", async () => {
    const client = new HttpClient(baseUrl);
    const https = { "x-forwarded-proto": "https" };
    const page = await client.fetch("/login", { headers: https });
    expect(page.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(page.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    const post = await client.fetch("/api/register", {
      method: "POST",
      body: "{}",
      headers: { ...https, "content-type": "application/json" },
    });
    expect(post.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    const api = await client.fetch("/api/health", { headers: https });
    expect(api.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(
      (await client.fetch("/login", { headers: { "x-forwarded-proto": "http" } })).headers.get(
        "strict-transport-security",
      ),
    ).toBeNull();
  });

  describe("with an https AUTH_URL", () => {
    let server: RunningServer;
    beforeAll(async () => {
      const port = await freePort();
      const env = {
        DATABASE_URL: databaseUrl,
        AUTH_SESSION_STRATEGY: strategy,
        AUTH_JWT_RECHECK_SECONDS: String(recheckSeconds),
      };
      server = await startServer(serverEnv({ ...env, AUTH_URL: `https://localhost:${port}` }), port);
    });
    afterAll(() => server?.stop());

    it("ASVS 3.4.1 every page and Auth.js answer carries HSTS", async () => {
      const client = new HttpClient(server.url);
      for (const path of ["/", "/login", "/api/auth/session", "/api/auth/csrf", "/no-such-page"]) {
        const response = await client.fetch(path);
        expect(response.headers.get("strict-transport-security"), path).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
      }
    });
  });
});

type Violation = { page: string; source: "event" | "console"; text: string };

describe(`the CSP in Chromium (${strategy})`, () => {
  let browser: { context: BrowserContext; close: () => Promise<void> };
  const violations: Violation[] = [];
  const otherProblems: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    // Reported from inside every page, before any of its own scripts run (init scripts are not subject to the CSP).
    await browser.context.exposeBinding("reportCspViolation", ({ page }, text: string) => {
      violations.push({ page: page.url(), source: "event", text });
    });
    await browser.context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
        report(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ${event.sample}`);
      });
    });
  }, 60_000);
  afterAll(() => browser?.close());

  function watch(page: Page) {
    page.on("console", (message: ConsoleMessage) => {
      const text = message.text();
      if (/content.security.policy/i.test(text)) violations.push({ page: page.url(), source: "console", text });
      else if (/permissions.policy|hydrat/i.test(text)) otherProblems.push(`${page.url()}: ${text}`);
    });
    page.on("pageerror", (error) => otherProblems.push(`${page.url()}: ${error.message}`));
  }

  /** Submits the page's form and returns its post, which carries Next-Action only when React, not the browser, sent it. */
  async function submitThroughJavaScript(page: Page) {
    const [post] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined),
      page.click('main button[type="submit"]'),
    ]);
    return post;
  }

  /** Opens a page and waits until React has hydrated its content (hydration attaches React's fiber to the DOM). */
  async function visit(page: Page, path: string) {
    const response = await page.goto(`${baseUrl}${path}`);
    expect(response?.status(), path).toBeLessThan(500);
    expect(response?.headers()["content-security-policy"], path).toContain("'strict-dynamic'");
    await page.waitForFunction(
      () => {
        const main = document.querySelector("main");
        return main !== null && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
      },
      undefined,
      { timeout: 15_000 },
    );
  }

  it("ASVS 3.4.3 every page, signed out, signed in as admin and as a user, renders and hydrates with zero CSP violations", async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    watch(page);

    for (const path of [...SIGNED_OUT_PAGES, "/no-such-page"]) await visit(page, path);

    // The two-step form: both steps submit through JavaScript and land on the next page.
    await visit(page, "/onboarding");
    expect(page.url()).toBe(`${baseUrl}/onboarding/step-1`);
    await page.fill('input[name="name"]', "Grace Hopper");
    await page.fill('input[name="company"]', "Eckert-Mauchly");
    await submitThroughJavaScript(page);
    await page.waitForURL(`${baseUrl}/onboarding/step-2`);
    await visit(page, "/onboarding/step-2");
    await page.selectOption('select[name="teamSize"]', "2–10");
    await page.fill('textarea[name="goal"]', "A compiler");
    await submitThroughJavaScript(page);
    await page.waitForURL(`${baseUrl}/onboarding/done`);
    await visit(page, "/onboarding/done");

    // A client component reacts: adding to the cart runs its server action through JavaScript (Next-Action header).
    await visit(page, "/cart");
    const [cartPost] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && r.headers()["next-action"] !== undefined),
      page.locator('[data-testid="add-notebook"] button').click(),
    ]);
    expect(cartPost.url()).toBe(`${baseUrl}/cart`);
    await page.waitForFunction(() => document.querySelector('[data-testid="cart-qty-notebook"]')?.textContent === "1");

    // The login form submits through JavaScript too, and signs in.
    await visit(page, "/login?callbackUrl=%2Fdashboard");
    await page.fill('input[name="email"]', admin.email);
    await page.fill('input[name="password"]', admin.password);
    const loginPost = await submitThroughJavaScript(page);
    expect((await loginPost.allHeaders())["origin"]).toBe(new URL(baseUrl).origin); // what the server-action guard requires
    await page.waitForURL(`${baseUrl}/dashboard`);

    // The session provider's own check runs (GET /api/session every AUTH_CLIENT_REFRESH_SECONDS while signed in).
    const sessionCheck = await page.waitForResponse((r) => new URL(r.url()).pathname === "/api/session", {
      timeout: 20_000,
    });
    expect(sessionCheck.status()).toBe(200);
    expect(await page.locator('[data-testid="nav-email"]').innerText()).toBe(admin.email);

    for (const path of [...SIGNED_IN_PAGES, ...ONBOARDING_REDIRECTS, "/no-such-page"]) await visit(page, path);

    // A client-side navigation (the router fetches the next page's RSC payload) keeps the same document.
    await visit(page, "/dashboard");
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await page.locator("header a", { hasText: "Account" }).click();
    await page.waitForURL(`${baseUrl}/account`);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // Signing out from the header (a server action) works as well.
    await page.locator("header button", { hasText: "Sign out" }).click();
    await page.waitForURL(`${baseUrl}/`);
    await page.getByText("You are not signed in").waitFor();

    // A user without the admin permission gets the 403 page, rendered under the same policy.
    await visit(page, "/login");
    await page.fill('input[name="email"]', user.email);
    await page.fill('input[name="password"]', user.password);
    await page.click('main button[type="submit"]');
    await page.waitForURL(`${baseUrl}/dashboard`);
    const forbidden = await page.goto(`${baseUrl}/admin`);
    expect(forbidden?.status()).toBe(403);
    await page.getByText("You don't have access to this page").waitFor();
    await page.close();

    expect(violations).toEqual([]);
    expect(otherProblems).toEqual([]);
  });

  it("the policy is really enforced: markup injected into a page without the nonce neither runs nor styles", async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    // What an injection flaw would do: the server's real answer and headers, with markup added to its HTML.
    const injected =
      '<script>window.injected = true</script><style>body { color: rgb(255, 0, 0) }</style><meta name="probe" style="color: red">';
    await page.route(`${baseUrl}/login`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        body: (await response.text()).replace(/<head[^>]*>/, (head) => head + injected),
      });
    });
    const before = violations.length;
    await page.goto(`${baseUrl}/login`);
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
    expect(await page.evaluate(() => getComputedStyle(document.body).color)).not.toBe("rgb(255, 0, 0)");
    const reported = () => new Set(violations.slice(before).map((v) => v.text.split(" ")[0]));
    await expect.poll(reported).toEqual(new Set(["script-src-elem", "style-src-elem", "style-src-attr"]));
    violations.splice(before); // expected ones: the first test asserts there are none otherwise
    await page.close();
  });
});
