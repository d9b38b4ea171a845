import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { readMailbox, type CaughtMail } from "../../harness/mail-catcher";
import { HttpClient } from "../../harness/http-client";
import type { RunningServer } from "../../harness/server";
import { freshPage, launchBrowser, signInWithForm, type LaunchedBrowser } from "../support/browser";
import { e2eDb } from "../support/e2e-env";
import { startOwnServer, uniqueEmail } from "./helpers";

// Address confirmation and password reset in Chromium, on a server of this file's own that requires confirmed
// addresses, sending to the run's SMTP catcher: every link is taken from a delivered mail.
const db = e2eDb();
const mailbox = readMailbox(process.env.TEST_MAIL_DIR!);
const WAIT = { timeout: 30_000 };
const emails: string[] = [];
let server: RunningServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startOwnServer({ AUTH_EMAIL_VERIFICATION: "required" });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db.user.deleteMany({ where: { email: { in: emails } } });
  await db.$disconnect();
});

function newAccount(label: string) {
  const email = uniqueEmail(`mail-${label}`);
  emails.push(email);
  return { name: `Mail ${label}`, email, password: `quiet-${randomBytes(6).toString("hex")}-harbour` };
}

/** The link (to `path`, else the first) in the newest mail to `to` whose subject matches, as the user would click it. */
async function linkFrom(to: string, subject: RegExp, path?: string): Promise<string> {
  const mail: CaughtMail = await mailbox.waitFor({ to, subject }, 20_000);
  const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
  const link = links.find((candidate) => !path || new URL(candidate).pathname === path)!;
  expect(new URL(link).origin).toBe(new URL(server.url).origin);
  return link;
}

async function register(page: Page, account: { name: string; email: string; password: string }) {
  await page.goto(`${server.url}/register`);
  await page.fill('input[name="name"]', account.name);
  await page.fill('input[name="email"]', account.email);
  await page.fill('input[name="password"]', account.password);
  await page.click('button[type="submit"]');
  await page.getByText("Almost done").waitFor(WAIT);
}

/** Opens a confirmation link and confirms with the password the account was created with. */
async function confirm(page: Page, link: string, password: string) {
  await page.goto(link);
  await page.fill('input[name="password"]', password);
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await page.getByText("Your email address is confirmed").waitFor(WAIT);
}

describe("email flows in the browser (confirmation required)", () => {
  it("register → the emailed link → confirm → sign in", async () => {
    const page = await freshPage(browser);
    const account = newAccount("register");
    await register(page, account);
    expect((await db.user.findUniqueOrThrow({ where: { email: account.email } })).emailVerified).toBeNull();
    await confirm(page, await linkFrom(account.email, /Confirm your email/), account.password);
    await signInWithForm(page, server.url, account);
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    await page.close();
  });

  it("a stranger's sign-up with someone's address: a wrong password confirms nothing; the owner declines it", async () => {
    const page = await freshPage(browser);
    const stranger = newAccount("declined");
    await register(page, stranger);
    const link = await linkFrom(stranger.email, /Confirm your email/);
    await page.goto(link);
    await page.fill('input[name="password"]', "the-owners-own-password");
    await page.getByRole("button", { name: "Confirm my email address" }).click();
    await page.getByTestId("password-error").getByText("not the password this account was created with").waitFor(WAIT);
    await page.getByRole("button", { name: "I did not sign up" }).click();
    await page.getByText("The account made with your address has been removed").waitFor(WAIT);
    expect(await db.user.findUnique({ where: { email: stranger.email } })).toBeNull();
    await page.close();
  });

  it("an unconfirmed account is refused with a clear message; a new link can be asked for and works", async () => {
    const page = await freshPage(browser);
    const account = newAccount("resend");
    await register(page, account);
    await page.goto(`${server.url}/login`);
    await page.fill('input[name="email"]', account.email);
    await page.fill('input[name="password"]', account.password);
    await page.click('button[type="submit"]');
    await page.getByText("Please confirm your email address first").waitFor(WAIT);

    const first = await linkFrom(account.email, /Confirm your email/);
    await page.getByRole("link", { name: "New confirmation link" }).click();
    await page.waitForURL("**/verify-email", WAIT);
    await page.fill('input[name="email"]', account.email);
    await page.getByRole("button", { name: "Send a new link" }).click();
    await page.getByText("we have sent it a new link").waitFor(WAIT);
    const second = await (async () => {
      for (let i = 0; i < 100; i++) {
        const link = await linkFrom(account.email, /Confirm your email/);
        if (link !== first) return link;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error("no second confirmation mail");
    })();
    await page.goto(first); // the older link died with the new one: the page says so at once
    await page.getByText("This link is not valid").waitFor(WAIT);
    await confirm(page, second, account.password);
    await page.close();
  });

  it("forgot → reset: the new password signs in, the other browser's session is dead, a notice arrives", async () => {
    const account = newAccount("reset");
    const page = await freshPage(browser);
    await register(page, account);
    await confirm(page, await linkFrom(account.email, /Confirm your email/), account.password);
    const elsewhere = new HttpClient(server.url);
    await elsewhere.signIn(account.email, account.password);
    expect((await elsewhere.json("/api/me")).status).toBe(200);

    await page.goto(`${server.url}/login`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL("**/forgot-password", WAIT);
    await page.fill('input[name="email"]', account.email);
    await page.getByRole("button", { name: "Send the link" }).click();
    await page.getByText(`If an account uses ${account.email}`).waitFor(WAIT);
    await page.goto(await linkFrom(account.email, /Reset your password/));
    const newPassword = `new-${randomBytes(6).toString("hex")}-lighthouse`;
    await page.fill('input[name="newPassword"]', newPassword);
    await page.fill('input[name="confirmPassword"]', newPassword);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await page.getByText("Your password was changed").waitFor(WAIT);

    // The app ended every session itself (JWT too, on this instance: the change is announced in-process).
    expect((await elsewhere.json("/api/me")).status).toBe(401);
    await signInWithForm(page, server.url, { email: account.email, password: newPassword });
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    await mailbox.waitFor({ to: account.email, subject: /password was changed/i }, 20_000);
    await page.close();
  });

  it("signing up with a registered address looks like any sign-up; its owner's mail leads to a new password", async () => {
    const account = newAccount("signup-twice");
    const page = await freshPage(browser);
    await register(page, account);
    await confirm(page, await linkFrom(account.email, /Confirm your email/), account.password);
    // Someone else signs up with the same address: the same page, no error, no second account.
    const stranger = { ...account, name: "A Stranger", password: `stranger-${randomBytes(6).toString("hex")}-pier` };
    const other = await freshPage(browser);
    await register(other, stranger);
    expect(await db.user.count({ where: { email: account.email } })).toBe(1);
    await other.close();

    await page.goto(await linkFrom(account.email, /tried to sign up/, "/reset-password"));
    const newPassword = `own-${randomBytes(6).toString("hex")}-harbour`;
    await page.fill('input[name="newPassword"]', newPassword);
    await page.fill('input[name="confirmPassword"]', newPassword);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await page.getByText("Your password was changed").waitFor(WAIT);
    await signInWithForm(page, server.url, { email: account.email, password: newPassword });
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    const refused = await new HttpClient(server.url).signIn(account.email, stranger.password);
    expect(refused.headers.get("location")).toContain("error=CredentialsSignin");
    await page.close();
  });

  it("the same answer for an address without an account", async () => {
    const page = await freshPage(browser);
    const nobody = uniqueEmail("mail-nobody");
    await page.goto(`${server.url}/forgot-password`);
    await page.fill('input[name="email"]', nobody);
    await page.getByRole("button", { name: "Send the link" }).click();
    await page.getByText(`If an account uses ${nobody}, we have sent it a link`).waitFor(WAIT);
    await page.close();
  });

  it("tampered, huge and missing tokens get a clear page, never a 5xx, and change nothing", async () => {
    const page = await freshPage(browser);
    for (const token of ["garbage", "A".repeat(43), "x".repeat(8_000), ""]) {
      const response = await page.goto(`${server.url}/reset-password?token=${token}`);
      expect(response!.status()).toBe(200);
      await page.getByText("This link is not valid").waitFor(WAIT);
      const confirmPage = await page.goto(`${server.url}/verify-email?token=${token}`);
      expect(confirmPage!.status()).toBe(200);
      await page.getByText("This link is not valid").waitFor(WAIT);
      expect(await page.getByRole("button", { name: "Confirm my email address" }).count()).toBe(0);
    }
    const missing = await page.goto(`${server.url}/reset-password`);
    expect(missing!.status()).toBe(200);
    await page.getByText("This link is not valid").waitFor(WAIT);
    await page.close();
  });
});

describe("email flows in the browser (confirmation optional)", () => {
  let optional: RunningServer;
  beforeAll(async () => {
    optional = await startOwnServer({ AUTH_EMAIL_VERIFICATION: "optional" });
  });
  afterAll(() => optional?.stop());

  it("a new account is signed in at once and reminded until its address is confirmed", async () => {
    const page = await freshPage(browser);
    const account = newAccount("optional");
    await page.goto(`${optional.url}/register`);
    await page.fill('input[name="name"]', account.name);
    await page.fill('input[name="email"]', account.email);
    await page.fill('input[name="password"]', account.password);
    await page.click('button[type="submit"]');
    await page.waitForURL("**/dashboard", WAIT);
    await page.getByTestId("unverified-email").waitFor(WAIT);

    const mail = await mailbox.waitFor({ to: account.email, subject: /Confirm your email/ }, 20_000);
    await confirm(page, mail.text.match(/https?:\/\/\S+/)![0], account.password);
    await page.goto(`${optional.url}/dashboard`);
    await page.getByRole("heading", { name: /Welcome/ }).waitFor(WAIT);
    expect(await page.getByTestId("unverified-email").count()).toBe(0);
    await page.close();
  });
});
