import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startMailCatcher, type MailCatcher } from "../../harness/mail-catcher";
import { eventually } from "../../harness/eventually";
import { HttpClient } from "../../harness/http-client";
import { freePort, startServer, type RunningServer } from "../../harness/server";
import { freshPage, launchBrowser, signInWithForm, type LaunchedBrowser } from "../support/browser";
import { e2eDb } from "../support/e2e-env";
import { createTestUser, deleteTestUser, ownServerEnv, uniqueEmail, type TestUser } from "./helpers";

// Mail when things go wrong, in Chromium: a server of this file's own (with AUTH_URL set, as in production) sends to
// an SMTP server of this file's own, is asked for links with a forged host, rate limits, and then loses its SMTP
// server for real.
const db = e2eDb();
const WAIT = { timeout: 30_000 };
let catcher: MailCatcher;
let server: RunningServer;
let browser: LaunchedBrowser;
let user: TestUser;

beforeAll(async () => {
  catcher = await startMailCatcher();
  const port = await freePort();
  const settings = {
    AUTH_URL: `http://localhost:${port}`,
    AUTH_EMAIL_VERIFICATION: "required",
    SMTP_URL: catcher.url,
    AUTH_EMAIL_SEND_MAX: "2",
    MAIL_SEND_TIMEOUT_MS: "5000",
  };
  server = await startServer(ownServerEnv(settings), port);
  browser = await launchBrowser();
  user = await createTestUser(db, "mail-outage");
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await catcher?.stop().catch(() => {}); // stopped by a test already
  if (user) await deleteTestUser(db, user);
  await db.$disconnect();
});

async function askForReset(page: Page, email: string) {
  await page.goto(`${server.url}/forgot-password`);
  await page.fill('input[name="email"]', email);
  await page.getByRole("button", { name: "Send the link" }).click();
}

async function register(page: Page, email: string) {
  await page.goto(`${server.url}/register`);
  await page.fill('input[name="name"]', "Mail Outage");
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', `outage-${randomBytes(6).toString("hex")}-harbour`);
  await page.click('button[type="submit"]');
}

describe("when mail cannot go out", () => {
  it("links point at AUTH_URL, whatever host the request names (this server trusts forwarded hosts too)", async () => {
    const email = uniqueEmail("mail-forged-host");
    const client = new HttpClient(server.url);
    const answer = await client.fetch("/api/register", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-host": "evil.example" },
      body: JSON.stringify({ name: "Forged Host", email, password: `forged-${randomBytes(6).toString("hex")}-pier` }),
    });
    expect(answer.status).toBe(202);
    const mail = await catcher.waitFor({ to: email, subject: /Confirm your email/ }, 20_000);
    const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(new URL(link).origin).toBe(server.url);
    expect(mail.html).not.toContain("evil.example");
    await db.user.deleteMany({ where: { email } });
  });

  it("a third link to one address within the hour is refused with a clear message, account or not", async () => {
    const page = await freshPage(browser);
    for (const email of [user.email, uniqueEmail("mail-limit-nobody")]) {
      for (let i = 0; i < 2; i++) {
        await askForReset(page, email);
        await page.getByText(`If an account uses ${email}, we have sent it a link`).waitFor(WAIT);
      }
      await askForReset(page, email);
      await page.getByText("Too many emails asked for").waitFor(WAIT);
    }
    await page.close();
  });

  it("SMTP server stopped: sign-up, forgot password and email change say so or change nothing", async () => {
    await catcher.stop();
    const page = await freshPage(browser);

    const newcomer = uniqueEmail("mail-down-signup");
    await register(page, newcomer);
    await page.getByText("We could not send the email").waitFor(WAIT);
    expect(await page.getByText("Your account was not created").count()).toBe(1);
    expect(await db.user.findUnique({ where: { email: newcomer } })).toBeNull();

    // Forgot password answers at once, the same for every address; the mail that fails leaves no token behind.
    const other = await createTestUser(db, "mail-down-reset");
    try {
      await askForReset(page, other.email);
      await page.getByText(`If an account uses ${other.email}, we have sent it a link`).waitFor(WAIT);
      // The send happens after the answer: wait for the server to say it failed, then no token may be left.
      const failed = "[mail] a password-reset link could not be sent";
      expect(
        await eventually(
          async () => server.output(),
          (output) => output.includes(failed),
          20_000,
        ),
      ).toContain(failed);
      expect(await db.emailToken.count({ where: { userId: other.id } })).toBe(0);
    } finally {
      await deleteTestUser(db, other);
    }

    await signInWithForm(page, server.url, user, "/account");
    const form = page.locator("form", { has: page.locator('input[name="newEmail"]') });
    await form.locator('input[name="newEmail"]').fill(uniqueEmail("mail-down-new"));
    await form.locator('input[name="currentPassword"]').fill(user.password);
    await form.locator("button[type=submit]").click();
    await form.getByText("We could not send the email").waitFor(WAIT);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.email).toBe(user.email);
    expect(await db.emailToken.count({ where: { userId: user.id, purpose: "change-email" } })).toBe(0);
    await page.close();
  });
});
