import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { revokeUserSessions } from "../../lib/auth/session-admin";
import { freshPage, launchBrowser, signInWithForm } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import { createTestUser, deleteTestUser, sessionRowsOf, signedInClient, type TestUser } from "./helpers";

// Server-side session data (the /cart and /onboarding demos) and the client session provider, in a real browser:
// the cart works signed out, survives reloads and sign-in, and takes concurrent changes from two tabs; a session
// revoked elsewhere shows the "expired" toast and sends the page to /login; signing out in one tab signs out the
// others. The server runs with AUTH_CLIENT_REFRESH_SECONDS=2 (tests/support/run-tests.ts).
const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
const ANONYMOUS_COOKIE = "session-data.anon";
const WAIT = { timeout: 30_000 };
let browser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await db.$disconnect();
});

const url = (path: string) => `${baseUrl}${path}`;
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

const newPage = () => freshPage(browser);
const signIn = (page: Page, user: TestUser, callbackUrl: string) => signInWithForm(page, baseUrl, user, callbackUrl);

/**
 * Clicks a cart button and waits for its server action's response (a POST to the page's URL). The action has
 * written by then: its response headers (which may set cookies) are only sent once it has run.
 */
async function press(page: Page, testId: string) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url() === page.url(), WAIT),
    page.locator(`[data-testid="${testId}"] button`).click(),
  ]);
  expect(response.status()).toBe(200);
}

async function quantity(page: Page, productId: string): Promise<string | null> {
  const cell = page.locator(`[data-testid="cart-qty-${productId}"]`);
  return (await cell.count()) ? cell.innerText() : null;
}

async function waitForQuantity(page: Page, productId: string, expected: string) {
  await page.waitForFunction(
    ([id, q]) => document.querySelector(`[data-testid="cart-qty-${id}"]`)?.textContent === q,
    [productId, expected] as const,
    WAIT,
  );
}

async function anonymousCookie(): Promise<string | undefined> {
  return (await browser.context.cookies(baseUrl)).find((c) => c.name === ANONYMOUS_COOKIE)?.value;
}

/** The id of the single session this user has. */
async function onlySessionId(user: TestUser): Promise<string> {
  const ids = (await sessionRowsOf(db, user.id)).map((r) => r.id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe(`server-side session data (${strategy})`, () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createTestUser(db, "data");
  });
  afterAll(() => deleteTestUser(db, user));

  it("the cart works signed out, survives a reload and sign-in, and ends with the session", async () => {
    const page = await newPage();
    await page.goto(url("/cart"));
    expect(await page.locator('[data-testid="cart-empty"]').count()).toBe(1);
    expect(await anonymousCookie()).toBeUndefined(); // reading creates nothing

    // An anonymous id planted in the browser beforehand (well-formed, but no data behind it) is not adopted.
    const planted = randomBytes(32).toString("base64url");
    await browser.context.addCookies([{ name: ANONYMOUS_COOKIE, value: planted, url: baseUrl }]);
    await press(page, "add-notebook");
    await waitForQuantity(page, "notebook", "1");
    expect(await anonymousCookie()).not.toBe(planted);
    expect(await db.sessionData.count({ where: { key: `a:${sha256(planted)}` } })).toBe(0);
    await press(page, "add-notebook");
    await press(page, "add-pen");
    await waitForQuantity(page, "notebook", "2");
    await waitForQuantity(page, "pen", "1");

    // Anonymous: an HttpOnly, SameSite=Lax cookie holding 256 random bits; the database has only its hash.
    const cookie = (await browser.context.cookies(baseUrl)).find((c) => c.name === ANONYMOUS_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    expect(Buffer.from(cookie.value, "base64url")).toHaveLength(32);
    const anonymousRow = await db.sessionData.findUnique({
      where: { key_name: { key: `a:${sha256(cookie.value)}`, name: "cart" } },
    });
    expect(JSON.parse(anonymousRow!.data)).toEqual({ items: { notebook: 2, pen: 1 } });
    expect(await db.sessionData.count({ where: { key: { contains: cookie.value } } })).toBe(0);

    await page.reload();
    expect(await quantity(page, "notebook")).toBe("2");
    expect(await quantity(page, "pen")).toBe("1");

    // Sign in: the anonymous cart becomes the session's and the anonymous record is gone.
    await signIn(page, user, "/cart");
    expect(await quantity(page, "notebook")).toBe("2");
    expect(await quantity(page, "pen")).toBe("1");
    const sessionId = await onlySessionId(user);
    const sessionRow = await db.sessionData.findUnique({
      where: { key_name: { key: `s:${sessionId}`, name: "cart" } },
    });
    expect(JSON.parse(sessionRow!.data)).toEqual({ items: { notebook: 2, pen: 1 } });
    expect(await db.sessionData.count({ where: { key: `a:${sha256(cookie.value)}` } })).toBe(0);

    // The next write (an action, where cookies can be changed) also drops the anonymous cookie.
    await press(page, "more-pen");
    await waitForQuantity(page, "pen", "2");
    expect(await anonymousCookie()).toBeUndefined();
    await page.reload();
    expect(await quantity(page, "pen")).toBe("2");

    // Signing out ends the session and its data.
    await page.locator("header button", { hasText: "Sign out" }).click();
    await page.waitForURL(url("/"));
    expect(await db.sessionData.count({ where: { key: `s:${sessionId}` } })).toBe(0);
    await page.goto(url("/cart"));
    expect(await page.locator('[data-testid="cart-empty"]').count()).toBe(1);
    await page.close();
  });

  it("two tabs adding at the same time end with both items", async () => {
    const a = await newPage();
    await signIn(a, user, "/cart");
    const b = await browser.context.newPage();
    await b.goto(url("/cart"));

    // Each tab adds its own product and, at the same time, three of a shared one.
    const clicks = (page: Page, own: string) => async () => {
      await press(page, `add-${own}`);
      for (let i = 0; i < 3; i++) await press(page, "add-stickers");
    };
    await Promise.all([clicks(a, "mug")(), clicks(b, "notebook")()]);

    for (const page of [a, b]) {
      await page.reload();
      expect(await quantity(page, "mug")).toBe("1");
      expect(await quantity(page, "notebook")).toBe("1");
      expect(await quantity(page, "stickers")).toBe("6");
    }
    await a.close();
    await b.close();
  });

  it("the two-step form keeps its draft on the server between the steps, and across sign-in", async () => {
    const page = await newPage();
    await page.goto(url("/onboarding/step-1"));
    await page.fill('input[name="name"]', "Ada Lovelace");
    await page.fill('input[name="company"]', "Analytical Engines");
    await page.click('main button[type="submit"]');
    await page.waitForURL(url("/onboarding/step-2"));
    expect(await page.locator('[data-testid="step-1-summary"]').innerText()).toBe("Ada Lovelace · Analytical Engines");

    // Back to step 1: the answers are still there (from the server, not the browser's form cache).
    await page.goto(url("/onboarding/step-1"));
    expect(await page.inputValue('input[name="name"]')).toBe("Ada Lovelace");

    // Signing in between the steps keeps the draft.
    await signIn(page, user, "/onboarding/step-2");
    expect(await page.locator('[data-testid="step-1-summary"]').innerText()).toBe("Ada Lovelace · Analytical Engines");
    await page.selectOption('select[name="teamSize"]', "2–10");
    await page.fill('textarea[name="goal"]', "A difference engine");
    await page.click('main button[type="submit"]');
    await page.waitForURL(url("/onboarding/done"));
    const summary = await page.locator('[data-testid="onboarding-summary"]').innerText();
    expect(summary).toContain("Analytical Engines");
    expect(summary).toContain("2–10");
    expect(summary).toContain("A difference engine");

    // An invalid step is refused with field errors and the saved draft is unchanged.
    await page.goto(url("/onboarding/step-1"));
    await page.fill('input[name="name"]', "");
    await page.click('main button[type="submit"]');
    await page.locator('[data-testid="name-error"]').waitFor(WAIT);
    await page.reload();
    expect(await page.inputValue('input[name="name"]')).toBe("Ada Lovelace");
    await page.close();
  });
});

describe(`client session provider (${strategy})`, () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createTestUser(db, "provider");
  });
  afterAll(() => deleteTestUser(db, user));

  it("shows the user from the server-rendered claims and GET /api/session reports the claims without extending the session", async () => {
    const page = await newPage();
    await signIn(page, user, "/cart");
    expect(await page.locator('[data-testid="nav-email"]').innerText()).toBe(user.email);

    const client = await signedInClient(user.email, user.password);
    // Push this client's last activity back past AUTH_SESSION_UPDATE_AGE: a page or API request would now slide
    // the expiry (the browser's session is left alone: its link prefetches are real requests).
    const longAgo = new Date(Date.now() - 2 * 3600 * 1000);
    const clientRow = { id: (await sessionRowsOf(db, user.id)).at(-1)!.id }; // the client signed in last
    await db.session.update({ where: clientRow, data: { lastSeenAt: longAgo } });
    const before = await db.session.findUniqueOrThrow({ where: clientRow });
    const response = await client.fetch("/api/session");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("no-store");
    expect(response.headers.getSetCookie()).toEqual([]);
    const body = (await response.json()) as { session: { user: Record<string, unknown>; expires: string } };
    expect(Object.keys(body.session.user).sort()).toEqual(["email", "id", "name", "permissions", "role"]);
    expect(body.session.user.email).toBe(user.email);
    expect(await db.session.findUniqueOrThrow({ where: clientRow })).toEqual(before);
    expect(await new HttpClient(baseUrl).json("/api/session")).toEqual({ status: 200, body: { session: null } });
    await page.close();
  });

  it("a session revoked from elsewhere shows the toast and sends the open page to /login", async () => {
    const page = await newPage();
    await signIn(page, user, "/dashboard");
    await revokeUserSessions(db, user.id); // an admin or the sessions script, from another client

    // Within the refresh interval (JWT: once the server's recheck window has passed), with no action by the user.
    const toast = page.locator('[data-testid="session-expired-toast"]');
    await toast.waitFor(WAIT);
    expect(await toast.innerText()).toContain("Your session has expired — please sign in again");
    await page.waitForURL(url(`/login?callbackUrl=${encodeURIComponent("/dashboard")}`), WAIT);
    expect(await page.locator('[data-testid="nav-email"]').count()).toBe(0);
    expect(await page.locator("header a", { hasText: "Sign in" }).count()).toBe(1);

    // Signing in again clears the notice and goes back to where the user was.
    await page.fill('input[name="email"]', user.email);
    await page.fill('input[name="password"]', user.password);
    await page.click('button[type="submit"]');
    await page.waitForURL(url("/dashboard"));
    expect(await toast.count()).toBe(0);
    await page.close();
  });

  it("signing out in one tab signs out the other tabs", async () => {
    const a = await newPage();
    await signIn(a, user, "/dashboard");
    const b = await browser.context.newPage();
    await b.goto(url("/account"));
    expect(await b.locator('[data-testid="nav-email"]').innerText()).toBe(user.email);

    await a.locator("header button", { hasText: "Sign out" }).click();
    await a.waitForURL(url("/"));
    // The other tab follows: its protected page sends it to /login, and its header shows the signed-out state.
    await b.waitForURL(url(`/login?callbackUrl=${encodeURIComponent("/account")}`), WAIT);
    await b.locator("header a", { hasText: "Sign in" }).waitFor(WAIT);
    expect(await b.locator('[data-testid="nav-email"]').count()).toBe(0);
    // A sign-out is not an expired session.
    for (const page of [a, b]) expect(await page.locator('[data-testid="session-expired-toast"]').count()).toBe(0);
    await a.close();
    await b.close();
  });

  it("signing in in one tab updates the other tab", async () => {
    const a = await newPage();
    await a.goto(url("/cart"));
    const b = await browser.context.newPage();
    await b.goto(url("/cart"));
    expect(await b.locator('[data-testid="nav-email"]').count()).toBe(0);

    await signIn(a, user, "/cart");
    await b.locator('[data-testid="nav-email"]').waitFor(WAIT);
    expect(await b.locator('[data-testid="nav-email"]').innerText()).toBe(user.email);
    await a.close();
    await b.close();
  });
});
