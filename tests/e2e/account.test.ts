import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { freshPage, launchBrowser, signInWithForm } from "../support/browser";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import {
  createTestUser,
  deleteTestUser,
  sessionRowsOf,
  signedInClient,
  waitPastJwtRecheck,
  type TestUser,
} from "./helpers";

// ASVS 7.4.x / 7.5.2 / 7.2.4 in a real browser: the session list, "sign out others", password change,
// admin revocation and disabling, and session fixation.
const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
let browser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await db.$disconnect();
});

const newPage = () => freshPage(browser);

/** The other device is signed out: at once in database mode, after the recheck window in JWT mode. */
async function expectSignedOut(client: Awaited<ReturnType<typeof signedInClient>>) {
  if (strategy === "jwt") await waitPastJwtRecheck();
  expect((await client.fetch("/api/me")).status).toBe(401);
}

describe(`account and session management (${strategy})`, () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createTestUser(db, "account");
  });
  afterAll(() => deleteTestUser(db, user));

  it("lists the user's sessions with 'this device', and 'sign out all other sessions' ends the others", async () => {
    const other = await signedInClient(user.email, user.password);
    // A live row made by the other strategy cannot sign anyone in here, so it is not listed.
    const otherStrategy = strategy === "database" ? "jwt" : "database";
    await db.session.create({
      data: { strategy: otherStrategy, userId: user.id, expires: new Date(Date.now() + 3_600_000), userAgent: "Other" },
    });
    const page = await newPage();
    await signInWithForm(page, baseUrl, user, "/account/sessions");
    const rows = page.locator("[data-testid=sessions-table] tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await page.locator("text=this device").count()).toBe(1);
    await page.click("text=Sign out all other sessions");
    await page.getByRole("alertdialog").getByRole("button", { name: "Sign out other sessions" }).click(); // the confirmation
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=sessions-table] tbody tr").length === 1);
    await expectSignedOut(other);
    expect((await page.request.get(`${baseUrl}/api/me`)).status()).toBe(200); // this browser stays signed in
    await page.close();
  });

  it("'sign out this session' ends exactly that session", async () => {
    const other = await signedInClient(user.email, user.password);
    const page = await newPage();
    await signInWithForm(page, baseUrl, user, "/account/sessions");
    const rows = page.locator("[data-testid=sessions-table] tbody tr");
    const before = await rows.count();
    const otherRow = rows.filter({ hasNotText: "this device" }).first();
    await otherRow.locator("button", { hasText: "Sign out this session" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Sign out", exact: true }).click(); // the confirmation
    await page.waitForFunction(
      (n) => document.querySelectorAll("[data-testid=sessions-table] tbody tr").length === n,
      before - 1,
    );
    await expectSignedOut(other);
    await page.close();
  });

  it("changing the password needs the current one and ends all other sessions", async () => {
    const other = await signedInClient(user.email, user.password);
    const page = await newPage();
    await signInWithForm(page, baseUrl, user, "/account");

    await page.fill('input[name="currentPassword"]', "not-my-password");
    await page.fill('input[name="newPassword"]', "a-brand-new-password");
    await page.fill('input[name="confirmPassword"]', "a-brand-new-password");
    await page.click("text=Change password >> nth=-1");
    await page.waitForSelector("text=Your current password is not correct.");

    await page.fill('input[name="currentPassword"]', user.password);
    await page.fill('input[name="newPassword"]', "a-brand-new-password");
    await page.fill('input[name="confirmPassword"]', "a-brand-new-password");
    await page.click("button[type=submit] >> text=Change password");
    await page.waitForSelector("text=Password changed.");
    await expectSignedOut(other);
    expect((await page.request.get(`${baseUrl}/api/me`)).status()).toBe(200);

    const old = new HttpClient(baseUrl);
    await old.signIn(user.email, user.password);
    expect(old.sessionCookie).toBeUndefined();
    user.password = "a-brand-new-password";
    await signedInClient(user.email, user.password);
    await page.close();
  });
});

describe(`admin session control (${strategy})`, () => {
  let target: TestUser;
  beforeAll(async () => {
    target = await createTestUser(db, "admin-target");
  });
  afterAll(() => deleteTestUser(db, target));

  it("an admin ends a user's sessions, then disables the account, which blocks sign-in", async () => {
    const victim = await signedInClient(target.email, target.password);
    const page = await newPage();
    // A search for the account keeps it on the first page however many users the e2e database holds.
    await signInWithForm(page, baseUrl, DEMO.admin, `/admin?q=${target.email.split("@")[0]}`);
    const row = page.locator(`tr[data-user-email="${target.email}"]`);
    const dialog = page.getByRole("alertdialog");
    await row.locator("button", { hasText: "End sessions" }).click();
    await dialog.getByRole("button", { name: "End sessions" }).click(); // the confirmation
    const records = async () => {
      return (await sessionRowsOf(db, target.id)).length;
    };
    await expect.poll(records, { timeout: 10_000 }).toBe(0); // the server action has run
    await expectSignedOut(victim);

    const again = await signedInClient(target.email, target.password);
    await page.reload();
    await page.locator(`tr[data-user-email="${target.email}"]`).locator("button", { hasText: "Disable" }).click();
    await dialog.getByRole("button", { name: "Disable" }).click();
    await page.locator(`tr[data-user-email="${target.email}"]`).locator("text=disabled").waitFor();
    await expect.poll(records, { timeout: 10_000 }).toBe(0);
    await expectSignedOut(again);

    const blocked = new HttpClient(baseUrl);
    const response = await blocked.signIn(target.email, target.password);
    expect(response.headers.get("location")).toContain("error=CredentialsSignin");
    expect(blocked.sessionCookie).toBeUndefined();
    await page.close();
  });
});

describe(`session fixation, ASVS 7.2.4 (${strategy})`, () => {
  it("signing in again from the same browser ends the session it presented", async () => {
    const user = await createTestUser(db, "fixation");
    try {
      const client = await signedInClient(user.email, user.password);
      const first = client.sessionCookie;
      const response = await client.signIn(user.email, user.password);
      expect(response.status).toBe(302);
      expect(client.sessionCookie).not.toBe(first);
      expect(await sessionRowsOf(db, user.id)).toHaveLength(1);
    } finally {
      await deleteTestUser(db, user);
    }
  });
});
