import { randomBytes } from "node:crypto";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PASSWORD_ILL_FORMED_MESSAGE } from "../../lib/validation";
import { launchBrowser } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { createTestUser, deleteTestUser, rowCounts, signedInClient, uniqueEmail, type TestUser } from "./helpers";

// ASVS 6.2.4 / 6.2.12 in a real browser: the strength meter on the register and change-password forms rates
// the password while it is typed (advice only), and the server refuses weak, personal and ill-formed passwords.

const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
let browser: { context: BrowserContext; close: () => Promise<void> };
const createdEmails: string[] = [];
/** A string inside zxcvbn's compressed password list: any script that contains it carries the dictionaries. */
const DICTIONARY_MARKER = "AqwertyA123456789";

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await db.user.deleteMany({ where: { email: { in: createdEmails } } });
  await db.$disconnect();
});
beforeEach(() => browser.context.clearCookies());

const meter = (page: Page) => page.locator('[data-testid="password-strength"] [role="meter"]');
const meterText = (page: Page) => page.locator('[data-testid="password-strength-text"]');
// The first form of the page (/account has the password form before the email form).
const submit = (page: Page) => page.locator("main form button[type=submit]").first().click();

/** Waits for the meter to settle on a rating (it rates a pause in the typing, so prefixes are rated on the way). */
async function meterShows(page: Page, score: number, label: string, advice = "") {
  await expect
    .poll(() => meterText(page).innerText(), { timeout: 30_000 })
    .toBe(`Strength: ${label}.${advice ? ` ${advice}` : ""}`);
  expect(await meter(page).getAttribute("data-score")).toBe(String(score));
  expect(await meter(page).getAttribute("aria-valuenow")).toBe(String(score));
  expect(await meter(page).getAttribute("aria-valuetext")).toBe(label);
}
const PERSONAL = "Passwords that contain your name or email address are easy to guess.";
const COMMON = "This is a commonly used password.";
const ANOTHER_WORD = "Add more words that are less common.";

/** The scripts a page has loaded so far that carry zxcvbn's dictionaries. */
async function dictionaryScripts(page: Page): Promise<string[]> {
  const urls = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((entry) => entry.name)
      .filter((name) => name.endsWith(".js")),
  );
  const carrying = await Promise.all(
    urls.map(async (url) => ((await (await fetch(url)).text()).includes(DICTIONARY_MARKER) ? url : null)),
  );
  return carrying.filter((url): url is string => url !== null);
}

describe(`password strength meter and check (${strategy})`, () => {
  it("the login page never loads the dictionaries; the register page loads them only once the password field is used", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${baseUrl}/login`);
    await page.fill('input[name="password"]', "password123");
    await page.waitForLoadState("networkidle");
    expect(await dictionaryScripts(page)).toEqual([]);

    await page.goto(`${baseUrl}/register`);
    await page.waitForLoadState("networkidle");
    expect(await dictionaryScripts(page)).toEqual([]);
    await page.focus('input[name="password"]');
    await page.waitForLoadState("networkidle");
    await expect.poll(() => dictionaryScripts(page).then((scripts) => scripts.length)).toBeGreaterThan(0);
    await page.close();
  });

  it("registration: the meter follows the typing; a weak password is refused with zxcvbn's advice, a strong one registers", async () => {
    const page = await browser.context.newPage();
    const email = uniqueEmail("meter");
    createdEmails.push(email);
    await page.goto(`${baseUrl}/register`);
    expect(await meter(page).getAttribute("aria-label")).toBe("Password strength");
    expect(await meterText(page).getAttribute("aria-live")).toBe("polite");
    expect(await meter(page).getAttribute("data-score")).toBe("");

    await page.fill('input[name="name"]', "Meter Tester");
    await page.fill('input[name="email"]', email);
    await page.locator('input[name="password"]').pressSequentially("password123");
    await meterShows(page, 0, "Too weak", `${COMMON} ${ANOTHER_WORD}`);

    // The meter reads the email field: the email as the password is called out as personal data.
    await page.fill('input[name="password"]', "");
    await page.locator('input[name="password"]').pressSequentially(email);
    await meterShows(page, 0, "Too weak", `${PERSONAL} ${ANOTHER_WORD}`);

    await page.fill('input[name="password"]', "");
    await page.locator('input[name="password"]').pressSequentially("correct-horse-battery-staple");
    await meterShows(page, 4, "Very strong");

    // The server decides, whatever the meter said: submit a weak one.
    await page.fill('input[name="password"]', "password123");
    await submit(page);
    const error = page.locator('[data-testid="password-error"]');
    await error.waitFor();
    expect(await error.innerText()).toBe(`This password is too easy to guess. ${COMMON} ${ANOTHER_WORD}`);
    expect(await db.user.count({ where: { email } })).toBe(0);
    expect(new URL(page.url()).pathname).toBe("/register");
    // React resets the form after the action; the meter follows the reset instead of showing a stale rating.
    expect(await page.inputValue('input[name="password"]')).toBe("");
    await page.locator('[data-testid="password-strength"] [role="meter"][data-score=""]').waitFor();

    await page.fill('input[name="name"]', "Meter Tester");
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', "");
    await page.locator('input[name="password"]').pressSequentially("correct-horse-battery-staple");
    await meterShows(page, 4, "Very strong");
    await submit(page);
    await page.waitForURL(`${baseUrl}/dashboard`);
    expect(await db.user.count({ where: { email } })).toBe(1);
    await signedInClient(email, "correct-horse-battery-staple");
    await page.close();
  });

  describe("password change", () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await createTestUser(db, "meter-change");
    });
    afterAll(() => deleteTestUser(db, user));

    it("the meter rates the new password (with the user's email); a weak one is refused and the password stays", async () => {
      const page = await browser.context.newPage();
      await page.goto(`${baseUrl}/login?callbackUrl=${encodeURIComponent("/account")}`);
      await page.fill('input[name="email"]', user.email);
      await page.fill('input[name="password"]', user.password);
      await submit(page);
      await page.waitForURL(`${baseUrl}/account`);
      const hashBefore = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;

      await page.locator('input[name="newPassword"]').pressSequentially(user.email);
      await meterShows(page, 0, "Too weak", `${PERSONAL} ${ANOTHER_WORD}`);
      await page.fill('input[name="newPassword"]', "");
      await page.locator('input[name="newPassword"]').pressSequentially("iloveyou1");
      await meterShows(page, 1, "Weak", `${COMMON} ${ANOTHER_WORD}`);

      await page.fill('input[name="currentPassword"]', user.password);
      await page.fill('input[name="confirmPassword"]', "iloveyou1");
      await submit(page);
      const error = page.locator('[data-testid="newPassword-error"]');
      await error.waitFor();
      expect(await error.innerText()).toBe(`This password is too easy to guess. ${COMMON} ${ANOTHER_WORD}`);
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(hashBefore);
      await signedInClient(user.email, user.password);

      const strong = `strong ${randomBytes(6).toString("hex")} password`;
      await page.fill('input[name="currentPassword"]', user.password);
      await page.locator('input[name="newPassword"]').pressSequentially(strong);
      await meterShows(page, 4, "Very strong");
      await page.fill('input[name="confirmPassword"]', strong);
      await submit(page);
      await page.getByText("Password changed.").waitFor();
      user.password = strong;
      await signedInClient(user.email, strong);
      await page.close();
    });
  });

  it("POST /api/register: a lone surrogate, a control character or a weak password is a 400 with the field message; nothing is created", async () => {
    const before = await rowCounts(db);
    const post = async (password: string) => {
      const email = uniqueEmail("api-pw");
      createdEmails.push(email);
      // JSON.stringify writes a lone surrogate as the escape \ud800, which the server's JSON.parse turns back into one.
      const response = await fetch(`${baseUrl}/api/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "API Password", email, password }),
      });
      return {
        status: response.status,
        body: (await response.json()) as { error: string; fieldErrors: Record<string, string[]> },
      };
    };
    const lone = await post("lone-\ud800-surrogate");
    expect(lone).toEqual({
      status: 400,
      body: expect.objectContaining({ error: "invalid", fieldErrors: { password: [PASSWORD_ILL_FORMED_MESSAGE] } }),
    });
    expect((await post("\ud800")).body.fieldErrors).toEqual({ password: [PASSWORD_ILL_FORMED_MESSAGE] });
    expect((await post("low-\udc00-surrogate")).body.fieldErrors).toEqual({ password: [PASSWORD_ILL_FORMED_MESSAGE] });
    expect((await post("nul-\u0000-inside-it")).body.fieldErrors.password).toEqual([
      expect.stringContaining("control character"),
    ]);
    const weak = await post("password123");
    expect(weak.status).toBe(400);
    expect(weak.body.fieldErrors.password).toEqual([`This password is too easy to guess. ${COMMON} ${ANOTHER_WORD}`]);
    expect(await rowCounts(db)).toEqual(before);
  });
});
