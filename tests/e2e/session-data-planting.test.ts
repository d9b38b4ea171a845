import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { MOVED_MARKER } from "../../lib/session-data/anonymous";
import { launchBrowser } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { createTestUser, deleteTestUser, sessionRowsOf, type TestUser } from "./helpers";

// Planted anonymous session-data cookies, in a real browser. Over plain http (or from a sibling subdomain) someone
// can put a session-data cookie into a visitor's browser: one their own browser received, with data behind it.
// Every anonymous write moves the data to a fresh id minted in that response (lib/session-data/anonymous.ts), so
// the planter never sees what the visitor writes; what they can do is make the visitor start from planted data.
const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
const ANONYMOUS_COOKIE = "session-data.anon";
const WAIT = { timeout: 30_000 };
let browser: { context: BrowserContext; close: () => Promise<void> };
let user: TestUser;

beforeAll(async () => {
  browser = await launchBrowser();
  user = await createTestUser(db, "planting");
});
afterAll(async () => {
  await browser?.close();
  if (user) await deleteTestUser(db, user);
  await db.$disconnect();
});

const url = (path: string) => `${baseUrl}${path}`;
const keyOf = (token: string) => `a:${createHash("sha256").update(token).digest("hex")}`;

/** A new page in a browser holding only these cookies (Path=/ unless given). */
async function pageWith(cookies: { value: string; path?: string }[] = []): Promise<Page> {
  await browser.context.clearCookies();
  if (cookies.length) {
    const domain = new URL(baseUrl).hostname;
    await browser.context.addCookies(
      cookies.map(({ value, path = "/" }) => ({ name: ANONYMOUS_COOKIE, value, domain, path })),
    );
  }
  return browser.context.newPage();
}

async function anonymousCookies(): Promise<{ value: string; path: string }[]> {
  return (await browser.context.cookies(baseUrl))
    .filter((c) => c.name === ANONYMOUS_COOKIE)
    .map(({ value, path }) => ({ value, path }));
}

async function onlyAnonymousCookie(): Promise<string> {
  const cookies = await anonymousCookies();
  expect(cookies).toHaveLength(1);
  return cookies[0].value;
}

async function submitStep1(page: Page, name: string, company: string) {
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="company"]', company);
  await page.click('main button[type="submit"]');
  await page.waitForURL(url("/onboarding/step-2"), WAIT);
}

/** Clicks a cart button and waits for its server action's response (cookies are set by then). */
async function press(page: Page, testId: string) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url() === page.url(), WAIT),
    page.locator(`[data-testid="${testId}"] button`).click(),
  ]);
  expect(response.status()).toBe(200);
}

async function waitForQuantity(page: Page, productId: string, expected: string) {
  await page.waitForFunction(
    ([id, q]) => document.querySelector(`[data-testid="cart-qty-${id}"]`)?.textContent === q,
    [productId, expected] as const,
    WAIT,
  );
}

/** Store names under an anonymous id (the move marker included). */
async function namesUnder(token: string): Promise<string[]> {
  const rows = await db.sessionData.findMany({
    where: { key: keyOf(token) },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => r.name);
}

describe(`planted anonymous session-data cookies (${strategy})`, () => {
  it("a planter never reads what the visitor writes: the visitor's draft lives only under an id minted for their browser", async () => {
    // The attacker, in their own browser: a draft and a cart item under an id they know.
    const attacker = await pageWith();
    await attacker.goto(url("/onboarding/step-1"));
    await submitStep1(attacker, "Mallory", "Planted Inc");
    await attacker.goto(url("/cart"));
    await press(attacker, "add-mug");
    await waitForQuantity(attacker, "mug", "1");
    const planted = await onlyAnonymousCookie();
    expect(await namesUnder(planted)).toEqual(["cart", "onboarding"]);
    await attacker.close();

    // Planted in the victim's browser (under a longer Path, so it stays next to the cookie the app sets later).
    // What the planter can still do: the visitor starts from the planted draft.
    const victim = await pageWith([{ value: planted, path: "/onboarding" }]);
    await victim.goto(url("/onboarding/step-1"));
    expect(await victim.inputValue('input[name="name"]')).toBe("Mallory");
    await submitStep1(victim, "Victoria Private", "Victim Ltd");
    const victimCookies = await anonymousCookies();
    await victim.close();

    // The attacker reads with the id they planted: nothing of the victim's, in the draft or the cart.
    const reader = await pageWith([{ value: planted }]);
    await reader.goto(url("/onboarding/step-1"));
    expect(await reader.inputValue('input[name="name"]')).toBe("");
    expect(await reader.content()).not.toContain("Victoria");
    await reader.goto(url("/onboarding/step-2"));
    await reader.waitForURL(url("/onboarding/step-1"), WAIT); // no draft behind that id any more
    await reader.goto(url("/cart"));
    expect(await reader.locator('[data-testid="cart-empty"]').count()).toBe(1);
    // Writing with it right after the move is refused (as a second tab would be), and still reveals nothing.
    await press(reader, "add-pen");
    await reader.locator('[data-testid="add-pen"] [role="alert"]').waitFor(WAIT);
    expect(await reader.locator('[data-testid="add-pen"] [role="alert"]').innerText()).toMatch(
      /just changed in another tab/,
    );
    expect(await onlyAnonymousCookie()).toBe(planted);
    await reader.close();

    // The victim's words are stored under the victim's new id only; the planted id keeps nothing but the move marker.
    const victimId = victimCookies.find((c) => c.path === "/")?.value;
    expect(victimId).toBeDefined();
    expect(victimId).not.toBe(planted);
    const holding = await db.sessionData.findMany({
      where: { data: { contains: "Victoria Private" } },
      select: { key: true },
    });
    expect(holding).toEqual([{ key: keyOf(victimId!) }]);
    expect(await namesUnder(planted)).toEqual([MOVED_MARKER]);
    expect(await namesUnder(victimId!)).toEqual(["cart", "onboarding"]); // the planted cart came along (seeded, visible)

    // The victim carries on with their own draft and signs in: it becomes the session's.
    // Its browser sends both cookies on /onboarding (the planted one first); the emptied planted id is not used.
    const back = await pageWith(victimCookies);
    await back.goto(url("/onboarding/step-2"));
    expect(await back.locator('[data-testid="step-1-summary"]').innerText()).toBe("Victoria Private · Victim Ltd");
    await back.goto(url(`/login?callbackUrl=${encodeURIComponent("/onboarding/step-2")}`));
    await back.fill('input[name="email"]', user.email);
    await back.fill('input[name="password"]', user.password);
    await back.click('button[type="submit"]');
    await back.waitForURL(url("/onboarding/step-2"), WAIT);
    expect(await back.locator('[data-testid="step-1-summary"]').innerText()).toBe("Victoria Private · Victim Ltd");
    const [session] = await sessionRowsOf(db, user.id);
    const draft = await db.sessionData.findUnique({
      where: { key_name: { key: `s:${session.id}`, name: "onboarding" } },
    });
    expect(draft?.data).toContain("Victoria Private");
    expect(await db.sessionData.count({ where: { key: keyOf(victimId!), name: "onboarding" } })).toBe(0);
    await back.close();
  });

  it("every anonymous write moves the cart to a new id: an earlier id (copied or leaked) reads as empty, and the cart survives", async () => {
    const page = await pageWith();
    await page.goto(url("/cart"));
    await press(page, "add-notebook");
    await waitForQuantity(page, "notebook", "1");
    const first = await onlyAnonymousCookie();
    await press(page, "add-notebook");
    await waitForQuantity(page, "notebook", "2");
    const second = await onlyAnonymousCookie();
    expect(second).not.toBe(first);
    expect(await namesUnder(first)).toEqual([MOVED_MARKER]);
    expect(await namesUnder(second)).toEqual(["cart"]);
    await page.reload();
    await waitForQuantity(page, "notebook", "2");
    await page.close();
  });

  it("two anonymous cookies (the browser's own and a planted one with a longer Path) count as none: neither is shown or written", async () => {
    const owner = await pageWith();
    await owner.goto(url("/cart"));
    await press(owner, "add-pen");
    await waitForQuantity(owner, "pen", "1");
    const own = await onlyAnonymousCookie();
    await owner.close();

    const attacker = await pageWith();
    await attacker.goto(url("/cart"));
    await press(attacker, "add-mug");
    const planted = await onlyAnonymousCookie();
    await attacker.close();

    // The browser sends both on /cart (the planted one first: its Path is longer).
    const page = await pageWith([{ value: own }, { value: planted, path: "/cart" }]);
    await page.goto(url("/cart"));
    expect(await page.locator('[data-testid="cart-empty"]').count()).toBe(1);
    await press(page, "add-stickers");
    await waitForQuantity(page, "stickers", "1"); // this response's own cart, under a new id
    const fresh = (await anonymousCookies()).find((c) => c.path === "/" && c.value !== own)?.value;
    expect(fresh).toBeDefined();
    const withStickers = await db.sessionData.findMany({
      where: { data: { contains: "stickers" }, key: { in: [own, planted, fresh!].map(keyOf) } },
    });
    expect(withStickers.map((r) => r.key)).toEqual([keyOf(fresh!)]);
    // The planted cookie is still there, so the next request is ambiguous again: a planter can keep a visitor's
    // signed-out data from persisting (documented), but neither id ever received it.
    await page.reload();
    expect(await page.locator('[data-testid="cart-empty"]').count()).toBe(1);
    await page.close();
  });
});
