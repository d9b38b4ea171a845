import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueDeviceToken } from "../../lib/auth/device-cookie";
import { issueEmailToken, redeemEmailToken } from "../../lib/auth/email-tokens";
import { changePassword } from "../../lib/account/change-password";
import { whenMailQueueEmpty } from "../../lib/mail";
import { noticeEmailChanged, noticePasswordChanged } from "../../lib/security-notices";
import { startMailCatcher, type MailCatcher } from "../../harness/mail-catcher";
import { AuthClient } from "../support/auth-client";
import { createTestContext, TEST_SECRET, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// Security notices (lib/security-notices.ts) through the real Auth.js handler, a real database and a real SMTP
// server: which sign-ins are announced, and what the password-changed notice says.

const APP_URL = "http://localhost:3000";
const PASSWORD = "correct-horse-battery";
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const NEW_SIGN_IN = /New sign-in to your account/;

let catcher: MailCatcher;
let ctx: TestContext;
let counter = 0;

beforeAll(async () => {
  catcher = await startMailCatcher();
  // The app's mailer reads the process environment once, on first use: set before any mail.
  process.env.SMTP_URL = catcher.url;
  process.env.AUTH_URL = APP_URL;
  ctx = await createTestContext({ AUTH_TRUSTED_PROXY_HOPS: "1", AUTH_SIGNIN_MAX_FAILURES: "100" });
});
afterAll(async () => {
  await whenMailQueueEmpty();
  await ctx?.cleanup();
  await catcher?.stop();
});

async function newUser(label: string, { createdDaysAgo = 0 } = {}) {
  const email = `${label}-${++counter}@example.com`;
  const { id } = await createUser(ctx.db, { email, password: PASSWORD });
  if (createdDaysAgo)
    await ctx.db.user.update({
      where: { id },
      data: { createdAt: new Date(Date.now() - createdDaysAgo * 86_400_000) },
    });
  return { id, email };
}

/** Signs in from a browser, optionally holding a device cookie; true on success. */
async function signIn(
  email: string,
  { device, password = PASSWORD }: { device?: string | null; password?: string } = {},
) {
  const client = new AuthClient(ctx.env, ctx.db);
  if (device) client.cookies.set("authjs.device", device);
  const csrfToken = await client.csrfToken();
  const response = await client.request("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, callbackUrl: "/dashboard" },
    headers: { "user-agent": CHROME, "x-forwarded-for": "198.51.100.23" },
  });
  return response.headers.get("location") === `${APP_URL}/dashboard`;
}

async function noticesTo(email: string, subject: RegExp) {
  await whenMailQueueEmpty();
  return (await catcher.messages()).filter((mail) => mail.to.includes(email) && subject.test(mail.subject));
}

describe("new sign-in notices", () => {
  it("a browser without this account's device cookie is announced: time, browser in words, address", async () => {
    const user = await newUser("unseen", { createdDaysAgo: 3 });
    expect(await signIn(user.email)).toBe(true);
    const mail = await catcher.waitFor({ to: user.email, subject: NEW_SIGN_IN });
    expect(mail.text).toMatch(/^There was a new sign-in to your account on \d+ \w+ \d{4}, \d\d:\d\d UTC/);
    expect(mail.text).toContain("from Chrome 156 on Linux (198.51.100.23).");
    expect(mail.text).toContain(`${APP_URL}/forgot-password`);
  });

  it("a browser with a valid device cookie for the account is not", async () => {
    const user = await newUser("known", { createdDaysAgo: 3 });
    expect(
      await signIn(user.email, { device: issueDeviceToken(TEST_SECRET, { email: user.email, credentialEpoch: 0 }) }),
    ).toBe(true);
    expect(await noticesTo(user.email, NEW_SIGN_IN)).toEqual([]);
  });

  it("a device cookie of another account, or a forged one, counts as none", async () => {
    const user = await newUser("forged", { createdDaysAgo: 3 });
    const other = issueDeviceToken(TEST_SECRET, { email: "someone-else@example.com", credentialEpoch: 0 });
    const forged = issueDeviceToken("another-secret-that-is-long-enough-0123456789", {
      email: user.email,
      credentialEpoch: 0,
    });
    expect(await signIn(user.email, { device: other })).toBe(true);
    expect(await signIn(user.email, { device: forged })).toBe(true);
    expect(await noticesTo(user.email, NEW_SIGN_IN)).toHaveLength(2);
  });

  it("the first sign-in of a new account is not announced; the next one from another new browser is", async () => {
    const user = await newUser("first");
    expect(await signIn(user.email)).toBe(true);
    expect(await noticesTo(user.email, NEW_SIGN_IN)).toEqual([]);
    expect(await signIn(user.email)).toBe(true); // the account now has a session: not its first sign-in
    expect(await noticesTo(user.email, NEW_SIGN_IN)).toHaveLength(1);
  });

  it("an older account with no session left (signed out everywhere) is still announced", async () => {
    const user = await newUser("signed-out", { createdDaysAgo: 2 });
    expect(await ctx.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await signIn(user.email)).toBe(true);
    expect(await noticesTo(user.email, NEW_SIGN_IN)).toHaveLength(1);
  });

  it("a wrong password is not announced", async () => {
    const user = await newUser("wrong", { createdDaysAgo: 3 });
    expect(await signIn(user.email, { password: "not-the-password" })).toBe(false);
    expect(await noticesTo(user.email, NEW_SIGN_IN)).toEqual([]);
  });
});

describe("password-changed notice", () => {
  it("a password change on /account tells the account's address, and ends pending reset links", async () => {
    const user = await newUser("changed");
    const reset = await issueEmailToken(ctx.db, {
      userId: user.id,
      purpose: "reset-password",
      email: user.email,
      ttlSeconds: 600,
    });
    const result = await changePassword(
      ctx.db,
      {
        userId: user.id,
        currentPassword: PASSWORD,
        newPassword: "a-brand-new-passphrase-7",
        confirmPassword: "a-brand-new-passphrase-7",
        keepSessionId: null,
        cost: 4,
        requestMeta: { userAgent: CHROME, ip: "2001:db8::7" },
      },
      { max: 5, windowSeconds: 900, lockoutSeconds: 900 },
    );
    expect(result).toMatchObject({ status: "changed" });
    const mail = await catcher.waitFor({ to: user.email, subject: /Your password was changed/ });
    expect(mail.text).toContain("from Chrome 156 on Linux (2001:db8::7).");
    expect(await redeemEmailToken(ctx.db, "reset-password", reset)).toEqual({ ok: false, problem: "invalid" });
  });

  it("a refused change sends nothing", async () => {
    const user = await newUser("refused");
    const result = await changePassword(
      ctx.db,
      {
        userId: user.id,
        currentPassword: "wrong",
        newPassword: "a-brand-new-passphrase-7",
        confirmPassword: "a-brand-new-passphrase-7",
        keepSessionId: null,
        cost: 4,
      },
      { max: 5, windowSeconds: 900, lockoutSeconds: 900 },
    );
    expect(result.status).toBe("error");
    expect(await noticesTo(user.email, /Your password was changed/)).toEqual([]);
  });

  it("noticePasswordChanged (also used by the reset flow) returns at once and says 'an unknown browser' without one", async () => {
    const email = `direct-${++counter}@example.com`;
    const started = performance.now();
    noticePasswordChanged({ email }, { at: new Date("2026-12-03T14:05:00Z"), userAgent: null, ip: null });
    expect(performance.now() - started).toBeLessThan(100);
    const mail = await catcher.waitFor({ to: email, subject: /Your password was changed/ });
    expect(mail.text).toContain("Your password was changed on 3 Dec 2026, 14:05 UTC from an unknown browser.");
  });

  it("noticeEmailChanged goes to the old address and only hints at the new one; a header injection goes nowhere", async () => {
    const oldEmail = `old-${++counter}@example.com`;
    noticeEmailChanged(
      { oldEmail, newEmail: "someone.new@example.org", undoUrl: null, undoDays: 7 },
      { at: new Date(), userAgent: "x\r\nBcc: attacker@evil.test", ip: null },
    );
    noticeEmailChanged(
      { oldEmail: "victim@example.com\r\nBcc: attacker@evil.test", newEmail: "x@y.z", undoUrl: null, undoDays: 7 },
      {
        at: new Date(),
        userAgent: null,
        ip: null,
      },
    );
    const mail = await catcher.waitFor({ to: oldEmail, subject: /email address of your account was changed/ });
    expect(mail.text).toContain("changed to s…@example.org");
    expect(mail.to).toEqual([oldEmail]);
    await whenMailQueueEmpty();
    const all = await catcher.messages();
    expect(all.some((m) => m.to.includes("attacker@evil.test") || m.to.includes("victim@example.com"))).toBe(false);
  });
});
