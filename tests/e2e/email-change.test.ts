import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMailbox } from "../../harness/mail-catcher";
import { freshPage, launchBrowser, signInWithForm, type LaunchedBrowser } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import {
  createTestUser,
  deleteTestUser,
  signedInClient,
  uniqueEmail,
  waitPastJwtRecheck,
  type TestUser,
} from "./helpers";

// Changing the account's email address in Chromium: the form on /account, the link from the delivered mail, the
// confirmation button, the new address on /account, and the notice to the old address.
const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
const mailbox = readMailbox(process.env.TEST_MAIL_DIR!);
const WAIT = { timeout: 30_000 };
let browser: LaunchedBrowser;
let user: TestUser;
/** The old address's "this wasn't me" link from the first test's notice. */
let undo: { link: string; oldEmail: string } | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  user = await createTestUser(db, "email-change");
});
afterAll(async () => {
  await browser?.close();
  if (user) await deleteTestUser(db, user);
  await db.$disconnect();
});

describe(`changing the email address (${strategy})`, () => {
  it("asks on /account, confirms from the mailed link, shows the new address, and tells the old one", async () => {
    const oldEmail = user.email;
    const newEmail = uniqueEmail("email-changed");
    const other = await signedInClient(oldEmail, user.password);
    const page = await freshPage(browser);
    await signInWithForm(page, baseUrl, user, "/account");

    const form = page.locator("form", { has: page.locator('input[name="newEmail"]') });
    await form.locator('input[name="newEmail"]').fill(newEmail);
    await form.locator('input[name="currentPassword"]').fill("not-my-password");
    await form.locator("button[type=submit]").click();
    await form.locator("text=Your current password is not correct.").waitFor(WAIT);

    await form.locator('input[name="newEmail"]').fill(newEmail);
    await form.locator('input[name="currentPassword"]').fill(user.password);
    await form.locator("button[type=submit]").click();
    await form.locator(`text=Check the inbox of ${newEmail}`).waitFor(WAIT);

    const mail = await mailbox.waitFor({ to: newEmail, subject: /Confirm your new email address/ }, 20_000);
    const link = mail.text.match(/https?:\/\/\S+\/confirm-email-change\?token=[A-Za-z0-9_-]+/)![0];
    await page.goto(link);
    // Opening the link (as a mail scanner would) changes nothing.
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(oldEmail);
    await page.click("button[type=submit] >> text=Confirm new address");
    await page.locator(`text=Your email address is now ${newEmail}.`).waitFor(WAIT);
    user.email = newEmail;

    await page.goto(`${baseUrl}/account`);
    expect(await page.locator('[data-field="Email"]').textContent()).toBe(newEmail);
    const notice = await mailbox.waitFor(
      { to: oldEmail, subject: /email address of your account was changed/ },
      20_000,
    );
    expect(notice.text).toContain(`changed to ${newEmail[0]}…@example.com`);
    expect(notice.text).toContain("Chrome");
    undo = { link: notice.text.match(/https?:\/\/\S+\/undo-email-change\?token=[A-Za-z0-9_-]+/)![0], oldEmail };

    // The other browser was signed out; the link works only once.
    if (strategy === "jwt") await waitPastJwtRecheck();
    expect((await other.fetch("/api/me")).status).toBe(401);
    await page.goto(link);
    await page.locator("text=This link was already used.").waitFor(WAIT);
    expect(await page.locator("button", { hasText: "Confirm new address" }).count()).toBe(0);
    await page.close();
  });

  it("the old address's undo link puts it back, signs everyone out and leads to a new password", async () => {
    expect(undo).toBeDefined();
    const signedInElsewhere = await signedInClient(user.email, user.password);
    const page = await freshPage(browser);
    await page.goto(undo!.link);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
    await page.click("button[type=submit] >> text=Undo the change");
    await page.waitForURL(/\/reset-password\?/, WAIT);
    await page.locator("text=The change was undone").waitFor(WAIT);
    const chosen = "an-undone-takeover-password";
    await page.fill('input[name="newPassword"]', chosen);
    await page.fill('input[name="confirmPassword"]', chosen);
    await page.click("button[type=submit] >> text=Set the new password");
    await page.locator("text=Your password was changed").first().waitFor(WAIT);
    user.email = undo!.oldEmail;
    user.password = chosen;
    if (strategy === "jwt") await waitPastJwtRecheck();
    expect((await signedInElsewhere.fetch("/api/me")).status).toBe(401);
    await signInWithForm(page, baseUrl, user, "/account");
    expect(await page.locator('[data-field="Email"]').textContent()).toBe(undo!.oldEmail);
    await page.close();
  });

  it("a broken link says so and offers no button", async () => {
    const page = await freshPage(browser);
    await page.goto(`${baseUrl}/confirm-email-change?token=${"x".repeat(5000)}`);
    await page.locator("text=This link is not valid.").waitFor(WAIT);
    expect(await page.locator("button", { hasText: "Confirm new address" }).count()).toBe(0);
    await page.goto(`${baseUrl}/confirm-email-change`);
    await page.locator("text=This link is not valid.").waitFor(WAIT);
    await page.close();
  });
});
