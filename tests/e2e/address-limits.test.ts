import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import type { RunningServer } from "../../harness/server";
import { startOwnServer, uniqueEmail } from "./helpers";

// Per-address limits on sign-ups and on new anonymous session-data ids, on a server of this file's own with small
// limits (the shared e2e server raises them: every file comes from one address). Like that server it trusts one
// proxy, so the X-Forwarded-For a test sends is the client address; each test uses an address of its own.
const { strategy } = e2eTarget();
const db = e2eDb();
const REGISTER_MAX = 3;
const NEW_DATA_MAX = 2;
const WAIT = { timeout: 30_000 };
const createdEmails: string[] = [];
let server: RunningServer;
let browser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  server = await startOwnServer({
    AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS: String(REGISTER_MAX),
    SESSION_DATA_ADDRESS_MAX_NEW: String(NEW_DATA_MAX),
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db.user.deleteMany({ where: { email: { in: createdEmails } } });
  await db.$disconnect();
});

/** An address nobody else in this run uses (TEST-NET-2 and -3). */
const uniqueAddress = () => `${randomBytes(1)[0] % 2 ? "198.51.100" : "203.0.113"}.${1 + (randomBytes(1)[0] % 254)}`;
const usedAddresses = new Set<string>();
function freshAddress(): string {
  let address = uniqueAddress();
  while (usedAddresses.has(address)) address = uniqueAddress();
  usedAddresses.add(address);
  return address;
}

function newAccount(label: string) {
  const email = uniqueEmail(`limit-${label}`);
  createdEmails.push(email);
  return { name: `Limit ${label}`, email, password: `quiet-${randomBytes(6).toString("hex")}-harbour` };
}

async function register(account: object, address: string) {
  const response = await fetch(`${server.url}/api/register`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify(account),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** A page in a browser with no cookies, whose every request comes from `address`. */
async function pageFrom(address: string): Promise<Page> {
  await browser.context.clearCookies();
  await browser.context.setExtraHTTPHeaders({ "x-forwarded-for": address });
  return browser.context.newPage();
}

async function pressAdd(page: Page, productId: string) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url() === page.url(), WAIT),
    page.locator(`[data-testid="add-${productId}"] button`).click(),
  ]);
  expect(response.status()).toBe(200);
}

describe(`per-address sign-up limit (${strategy})`, () => {
  it("POST /api/register answers 429 with Retry-After once an address has used its sign-ups; other addresses still can", async () => {
    const address = freshAddress();
    for (let i = 0; i < REGISTER_MAX; i++) expect((await register(newAccount(`api-${i}`), address)).status).toBe(201);

    const refused = newAccount("api-refused");
    const answer = await register(refused, address);
    expect(answer.status).toBe(429);
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    expect(Number(answer.retryAfter)).toBeLessThanOrEqual(3600);
    expect(answer.body).toMatchObject({
      error: "rate_limited",
      message: expect.stringMatching(/^Too many sign-ups from your network; try again in /),
    });
    expect(await db.user.count({ where: { email: refused.email } })).toBe(0);

    expect((await register(newAccount("api-other"), freshAddress())).status).toBe(201);
  });

  it("the sign-up form says so too, and creates nothing", async () => {
    const address = freshAddress();
    for (let i = 0; i < REGISTER_MAX; i++) expect((await register(newAccount(`form-${i}`), address)).status).toBe(201);
    const page = await pageFrom(address);
    const account = newAccount("form-refused");
    await page.goto(`${server.url}/register`);
    await page.fill('input[name="name"]', account.name);
    await page.fill('input[name="email"]', account.email);
    await page.fill('input[name="password"]', account.password);
    await page.click('main button[type="submit"]');
    const alert = page.locator('main form [role="alert"]').first();
    await alert.waitFor(WAIT);
    expect(await alert.innerText()).toMatch(
      /^Too many sign-ups from your network; try again in (1 hour|60 minutes)\.$/,
    );
    expect(await db.user.count({ where: { email: account.email } })).toBe(0);
    await page.close();
  });
});

describe(`per-address limit on new anonymous session data (${strategy})`, () => {
  it("a new visitor past the limit gets a clear message and nothing saved; visitors with a cart keep using it", async () => {
    const address = freshAddress();
    const carts: string[] = [];
    for (let i = 0; i < NEW_DATA_MAX; i++) {
      const page = await pageFrom(address);
      await page.goto(`${server.url}/cart`);
      await pressAdd(page, "pen");
      await page.locator('[data-testid="cart-qty-pen"]').waitFor(WAIT);
      carts.push((await browser.context.cookies(server.url)).find((c) => c.name === "session-data.anon")!.value);
      await page.close();
    }

    const newcomer = await pageFrom(address);
    await newcomer.goto(`${server.url}/cart`);
    await pressAdd(newcomer, "pen");
    const alert = newcomer.locator('[data-testid="add-pen"] [role="alert"]');
    await alert.waitFor(WAIT);
    expect(await alert.innerText()).toMatch(
      /^Too many new visitors from your network right now, so nothing was saved; try again in /,
    );
    expect((await browser.context.cookies(server.url)).some((c) => c.name === "session-data.anon")).toBe(false);
    await newcomer.reload();
    expect(await newcomer.locator('[data-testid="cart-empty"]').count()).toBe(1);
    await newcomer.close();

    // A visitor who already has a cart is not new: their write moves it and is not counted.
    const returning = await pageFrom(address);
    await browser.context.addCookies([{ name: "session-data.anon", value: carts[0], url: server.url }]);
    await returning.goto(`${server.url}/cart`);
    await pressAdd(returning, "pen");
    await returning.waitForFunction(
      () => document.querySelector('[data-testid="cart-qty-pen"]')?.textContent === "2",
      undefined,
      WAIT,
    );
    await returning.close();

    // Another address is not affected.
    const elsewhere = await pageFrom(freshAddress());
    await elsewhere.goto(`${server.url}/cart`);
    await pressAdd(elsewhere, "mug");
    await elsewhere.locator('[data-testid="cart-qty-mug"]').waitFor(WAIT);
    await elsewhere.close();
  });
});
