import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import { createTestUser, deleteTestUser, SESSION_COOKIE, signedInClient, uniqueEmail, type TestUser } from "./helpers";

// The real UI in Chromium: forms, server actions, redirects and the header's signed-in state.
// One browser per file; each test starts without cookies in a new tab.

const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
const createdEmails: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await db.user.deleteMany({ where: { email: { in: createdEmails } } });
  await db.$disconnect();
});
beforeEach(async () => {
  await browser.context.clearCookies();
  page = await browser.context.newPage();
});
afterEach(() => page.close());

const url = (path: string) => `${baseUrl}${path}`;
const pathOf = (page: Page) => {
  const current = new URL(page.url());
  return current.pathname + current.search;
};
const submit = (page: Page) => page.locator("main form button[type=submit]").click();
const fieldValue = (page: Page, label: string) => page.locator(`[data-field="${label}"]`).innerText();

async function fillRegistration(page: Page, fields: { name: string; email: string; password: string }) {
  await page.goto(url("/register"));
  await page.fill('input[name="name"]', fields.name);
  await page.fill('input[name="email"]', fields.email);
  await page.fill('input[name="password"]', fields.password);
  await submit(page);
}

async function logIn(page: Page, email: string, password: string) {
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await submit(page);
}

describe(`registration (${strategy})`, () => {
  it("a new user registers, lands on the dashboard and signs out from the header", async () => {
    const email = uniqueEmail("browser");
    createdEmails.push(email);
    await fillRegistration(page, { name: "Browser Tester", email, password: "a-good-long-password" });

    await page.waitForURL(url("/dashboard"));
    expect(await fieldValue(page, "Name")).toBe("Browser Tester");
    expect(await fieldValue(page, "Email")).toBe(email);
    expect(await fieldValue(page, "Role")).toBe("user");
    expect(await fieldValue(page, "Session strategy")).toBe(strategy);
    expect(await page.locator('[data-testid="nav-email"]').innerText()).toBe(email);
    expect(await db.user.findUnique({ where: { email }, select: { roleName: true } })).toEqual({ roleName: "user" });

    await page.locator("header button", { hasText: "Sign out" }).click();
    await page.waitForURL(url("/"));
    await page.getByText("You are not signed in").waitFor();
    expect(await page.locator('[data-testid="nav-email"]').count()).toBe(0);
    expect(await page.locator("header").innerText()).toContain("Sign in");
  });

  it("a 7-character password gets a field error", async () => {
    const email = uniqueEmail("short");
    await fillRegistration(page, { name: "Short", email, password: "1234567" });
    const error = page.locator('[data-testid="password-error"]');
    await error.waitFor();
    expect(await error.innerText()).toContain("at least 8 characters");
    expect(pathOf(page)).toBe("/register");
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it("a password over 72 UTF-8 bytes is refused with a message about bytes", async () => {
    const email = uniqueEmail("long");
    const password = "é€".repeat(30); // 60 characters, 150 bytes
    await fillRegistration(page, { name: "Long", email, password });
    const error = page.locator('[data-testid="password-error"]');
    await error.waitFor();
    expect(await error.innerText()).toContain("72 bytes");
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it("a taken email is refused and the existing account keeps its password", async () => {
    const before = await db.user.findUniqueOrThrow({ where: { email: DEMO.user.email } });
    await fillRegistration(page, { name: "Impostor", email: DEMO.user.email, password: "another-password-123" });
    const error = page.locator('[data-testid="email-error"]');
    await error.waitFor();
    expect(await error.innerText()).toContain("already exists");
    expect(pathOf(page)).toBe("/register");

    const after = await db.user.findUniqueOrThrow({ where: { email: DEMO.user.email } });
    expect(after).toEqual(before);
    await signedInClient(DEMO.user.email, DEMO.user.password);
  });

  it("emails are stored in lower case", async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const typed = `MiXed-${suffix}@Example.com`;
    createdEmails.push(typed.toLowerCase());
    await fillRegistration(page, { name: "Mixed Case", email: typed, password: "a-good-long-password" });

    await page.waitForURL(url("/dashboard"));
    expect(await fieldValue(page, "Email")).toBe(typed.toLowerCase());
    expect(await db.user.count({ where: { email: typed.toLowerCase() } })).toBe(1);
    expect(await db.user.count({ where: { email: typed } })).toBe(0);
  });
});

describe(`login (${strategy})`, () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createTestUser(db, "browser-login");
  });
  afterAll(() => deleteTestUser(db, user));

  it("a wrong password shows an error and stays on /login", async () => {
    await page.goto(url("/login"));
    await logIn(page, user.email, `${user.password}-wrong`);
    await page.getByText("Invalid email or password").waitFor();
    expect(pathOf(page)).toBe("/login");
    expect(await page.inputValue('input[name="email"]')).toBe(user.email); // kept for the next try
    expect((await browser.context.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
  });

  it("the submit button is busy while the sign-in is in flight", async () => {
    // Hold the server action's request until the pending state has been seen: no race with a fast server.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/login**", async (route) => {
      if (route.request().method() === "POST") await held;
      await route.continue();
    });
    await page.goto(url("/login"));
    await logIn(page, user.email, user.password);

    const busy = page.locator('main form button[type=submit][aria-busy="true"]');
    await busy.waitFor();
    expect(await busy.isDisabled()).toBe(true);
    expect(await busy.innerText()).toBe("Signing in…");
    release();
    await page.waitForURL(url("/dashboard"));
  });

  it("an admin signing in with callbackUrl=/admin ends on the users table", async () => {
    await page.goto(url("/login?callbackUrl=%2Fadmin"));
    await logIn(page, DEMO.admin.email, DEMO.admin.password);
    await page.waitForURL(url("/admin"));
    const table = page.locator('[data-testid="users-table"]');
    await table.waitFor();
    const text = await table.innerText();
    expect(text).toContain(DEMO.admin.email);
    expect(text).toContain(DEMO.user.email);
  });

  it("a user without users:read sees the 403 page on /admin and stays there", async () => {
    await page.goto(url("/login?callbackUrl=%2Fadmin"));
    await logIn(page, user.email, user.password);
    await page.getByRole("heading", { name: "You don't have access to this page" }).waitFor();
    expect(pathOf(page)).toBe("/admin");
    expect(await page.locator('[data-testid="users-table"]').count()).toBe(0);
  });

  it("/dashboard signed out goes to /login and back after signing in", async () => {
    await page.goto(url("/dashboard"));
    expect(pathOf(page)).toBe("/login?callbackUrl=%2Fdashboard");
    await logIn(page, user.email, user.password);
    await page.waitForURL(url("/dashboard"));
    expect(await fieldValue(page, "Email")).toBe(user.email);
  });
});
