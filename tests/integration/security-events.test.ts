import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword } from "../../lib/account/change-password";
import { accountSecurityEvent } from "../../lib/account/security-event";
import { issueDeviceToken, verifyDeviceToken } from "../../lib/auth/device-cookie";
import { DEVICE_BUCKETS_PER_ACCOUNT } from "../../lib/auth/credentials";
import { issueEmailToken, type EmailTokenPurpose } from "../../lib/auth/email-tokens";
import { PLAIN_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import { createSessionStrategy } from "../../lib/auth/strategy";
import { confirmEmailChange, requestEmailChange, undoEmailChange } from "../../lib/email-change";
import { answeredRequestsDone } from "../../lib/link-mail";
import { whenMailQueueEmpty } from "../../lib/mail";
import { requestPasswordReset, resetPassword } from "../../lib/password-reset";
import { setUserActive } from "../../lib/users";
import { startMailCatcher, type MailCatcher } from "../../harness/mail-catcher";
import { AuthClient } from "../support/auth-client";
import { createTestContext, TEST_SECRET, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// The account-security event (lib/account/security-event.ts) through every flow that raises it, against the real
// Auth.js handler, a real database and a real SMTP server: what each event ends (sessions in both strategies,
// links of every purpose, device cookies), and the takeovers that used to survive a recovery.

const APP_URL = "http://localhost:3000";
const PASSWORD = "correct-horse-battery";
const NEW_PASSWORD = "a-brand-new-correct-horse";
const MAX_FAILURES = 5;
const THROTTLE = { max: MAX_FAILURES, windowSeconds: 900, lockoutSeconds: 900 };
const META = { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36", ip: "203.0.113.9" };
const PURPOSES: EmailTokenPurpose[] = ["verify-email", "reset-password", "change-email", "undo-email-change"];

let catcher: MailCatcher;
let counter = 0;

beforeAll(async () => {
  catcher = await startMailCatcher();
  // The app's mailer and link origin read the process environment once, on first use: set before any mail.
  process.env.SMTP_URL = catcher.url;
  process.env.AUTH_URL = APP_URL;
});
afterAll(async () => {
  await whenMailQueueEmpty();
  await catcher?.stop();
});

const origin = async () => APP_URL;

function tokenIn(text: string, path: string): string {
  const match = new RegExp(`${APP_URL}${path}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  expect(match, text).not.toBeNull();
  return match![1];
}

describe.each(["database", "jwt"] as const)("account-security events, %s sessions", (strategy) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_SESSION_STRATEGY: strategy,
      // Long enough that a JWT session is refused only because the event was announced, not by its recheck.
      AUTH_JWT_RECHECK_SECONDS: "300",
      AUTH_SIGNIN_MAX_FAILURES: String(MAX_FAILURES),
      AUTH_EMAIL_SEND_MAX: "100",
    });
  });
  afterAll(() => ctx.cleanup());

  async function newUser(label: string) {
    const email = `${label}-${strategy}-${++counter}@example.com`;
    const { id } = await createUser(ctx.db, { email, password: PASSWORD });
    return { id, email };
  }

  /** A browser signed in to the account, with its session cookie and its device cookie. */
  async function signedIn(email: string, password = PASSWORD) {
    const client = new AuthClient(ctx.env, ctx.db);
    const response = await client.signIn(email, password);
    expect(response.headers.get("location")).toBe(`${APP_URL}/dashboard`);
    const cookie = { name: PLAIN_SESSION_COOKIE, value: client.sessionCookie()! };
    const verified = await createSessionStrategy(ctx.env, ctx.db).verify(cookie);
    // Outside a Next.js request the sign-in cannot set the device cookie: the browser gets the one it would have.
    const account = await ctx.db.user.findUniqueOrThrow({
      where: { email },
      select: { email: true, credentialEpoch: true },
    });
    return { client, cookie, sessionId: verified!.sessionId, device: issueDeviceToken(TEST_SECRET, account)! };
  }

  const isLive = async (browser: { cookie: { name: string; value: string } }) =>
    (await createSessionStrategy(ctx.env, ctx.db).verify(browser.cookie)) !== null;

  async function pendingPurposes(userId: string): Promise<string[]> {
    const rows = await ctx.db.emailToken.findMany({ where: { userId, usedAt: null }, select: { purpose: true } });
    return rows.map((row) => row.purpose).sort();
  }

  async function issueEveryLink(user: { id: string; email: string }) {
    const tokens = {} as Record<EmailTokenPurpose, string>;
    for (const purpose of PURPOSES)
      tokens[purpose] = await issueEmailToken(ctx.db, {
        userId: user.id,
        purpose,
        email: purpose === "change-email" ? `new-${user.email}` : user.email,
        ttlSeconds: 3600,
      });
    return tokens;
  }

  const epochOf = async (id: string) =>
    (await ctx.db.user.findUniqueOrThrow({ where: { id }, select: { credentialEpoch: true } })).credentialEpoch;

  type Row = {
    /** Runs the flow as its user would; `acting` is the browser making the change. */
    run: (user: { id: string; email: string }, acting: string, tokens: Record<EmailTokenPurpose, string>) => unknown;
    actingStays: boolean;
    otherStays: boolean;
    /** The unused links left afterwards (some flows issue their own). */
    links: string[];
    devicesEnd: boolean;
  };

  // Written out, not read from EVENT_RULES: the table in SECURITY.md is what these rows check.
  const rows: Record<string, Row> = {
    "password changed on /account": {
      run: (user, acting) =>
        changePassword(
          ctx.db,
          {
            userId: user.id,
            currentPassword: PASSWORD,
            newPassword: NEW_PASSWORD,
            confirmPassword: NEW_PASSWORD,
            keepSessionId: acting,
            cost: 4,
          },
          THROTTLE,
        ),
      actingStays: true,
      otherStays: false,
      links: ["undo-email-change"],
      devicesEnd: true,
    },
    "password reset with a link": {
      run: (_user, _acting, tokens) =>
        resetPassword(ctx.db, ctx.env, {
          token: tokens["reset-password"],
          newPassword: NEW_PASSWORD,
          confirmPassword: NEW_PASSWORD,
          meta: META,
        }),
      actingStays: false,
      otherStays: false,
      links: ["undo-email-change"],
      devicesEnd: true,
    },
    "email change requested": {
      run: (user) =>
        requestEmailChange(
          ctx.db,
          ctx.env,
          { userId: user.id, newEmail: `asked-${user.email}`, currentPassword: PASSWORD, cost: 4, ip: null },
          THROTTLE,
          origin,
        ),
      actingStays: true,
      otherStays: true,
      links: ["change-email", "reset-password", "undo-email-change", "verify-email"],
      devicesEnd: false,
    },
    "email change confirmed": {
      run: (user, acting, tokens) =>
        confirmEmailChange(
          ctx.db,
          ctx.env,
          { token: tokens["change-email"], signedIn: { userId: user.id, sessionId: acting }, requestMeta: META },
          origin,
        ),
      actingStays: true,
      otherStays: false,
      links: ["undo-email-change", "undo-email-change"],
      devicesEnd: true,
    },
    "email change undone": {
      run: (_user, _acting, tokens) => undoEmailChange(ctx.db, ctx.env, { token: tokens["undo-email-change"] }),
      actingStays: false,
      otherStays: false,
      links: ["reset-password"],
      devicesEnd: true,
    },
    "sessions ended (owner's 'sign out everywhere else', admin, sessions script)": {
      run: (user, acting) =>
        accountSecurityEvent(ctx.db, { kind: "sessions-ended", userId: user.id, keepSessionId: acting }),
      actingStays: true,
      otherStays: false,
      links: ["undo-email-change"],
      devicesEnd: true,
    },
    "account disabled": {
      run: (user) => setUserActive(ctx.db, user.id, false),
      actingStays: false,
      otherStays: false,
      links: [],
      devicesEnd: true,
    },
  };

  it.each(Object.entries(rows))("%s", async (_name, row) => {
    const user = await newUser("row");
    const acting = await signedIn(user.email);
    const other = await signedIn(user.email);
    const tokens = await issueEveryLink(user);
    const epochBefore = await epochOf(user.id);
    expect(
      verifyDeviceToken(TEST_SECRET, { email: user.email, credentialEpoch: epochBefore }, other.device),
    ).not.toBeNull();

    await row.run(user, acting.sessionId, tokens);

    expect(await isLive(acting)).toBe(row.actingStays);
    expect(await isLive(other)).toBe(row.otherStays);
    expect(await pendingPurposes(user.id)).toEqual(row.links);
    const after = await ctx.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.credentialEpoch).toBe(row.devicesEnd ? epochBefore + 1 : epochBefore);
    // A device cookie from before the event still verifies only when the event does not end devices.
    const now = { email: after.email, credentialEpoch: after.credentialEpoch };
    expect(verifyDeviceToken(TEST_SECRET, now, other.device) !== null).toBe(!row.devicesEnd);
  });

  it("enabling an account again ends nothing more, and announces it", async () => {
    const user = await newUser("enable");
    await setUserActive(ctx.db, user.id, false);
    await issueEmailToken(ctx.db, { userId: user.id, purpose: "reset-password", email: user.email, ttlSeconds: 60 });
    const epoch = await epochOf(user.id);
    expect(await setUserActive(ctx.db, user.id, true)).toBe(true);
    expect(await epochOf(user.id)).toBe(epoch);
    expect(await pendingPurposes(user.id)).toEqual(["reset-password"]);
    await signedIn(user.email);
  });

  describe("the takeover of a pending email change does not survive the owner's recovery", () => {
    /** The attacker knows the password: signs in and asks to move the account to their own address. */
    async function attackerAsksForTheirAddress(user: { id: string; email: string }) {
      const attacker = await signedIn(user.email);
      const theirs = `attacker-${user.email.replace("@", ".")}@evil.test`;
      const asked = await requestEmailChange(
        ctx.db,
        ctx.env,
        { userId: user.id, newEmail: theirs, currentPassword: PASSWORD, cost: 4, ip: null },
        THROTTLE,
        origin,
      );
      expect(asked.status).toBe("sent");
      const mail = await catcher.waitFor({ to: theirs, subject: /Confirm your new email address/ });
      return { attacker, theirs, link: tokenIn(mail.text, "/confirm-email-change") };
    }

    async function attackerConfirmsLater(user: { id: string; email: string }, link: string, sessionId: string) {
      const result = await confirmEmailChange(
        ctx.db,
        ctx.env,
        { token: link, signedIn: { userId: user.id, sessionId }, requestMeta: META },
        origin,
      );
      expect(result).toMatchObject({ status: "error", problem: "invalid" });
      expect((await ctx.db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
    }

    it("after a password reset", async () => {
      const user = await newUser("takeover-reset");
      const { attacker, link } = await attackerAsksForTheirAddress(user);
      await requestPasswordReset(ctx.db, ctx.env, { email: user.email, ip: null, origin: APP_URL });
      await answeredRequestsDone();
      const mail = await catcher.waitFor({ to: user.email, subject: /Reset your password/ });
      const reset = await resetPassword(ctx.db, ctx.env, {
        token: tokenIn(mail.text, "/reset-password"),
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
        meta: META,
      });
      expect(reset.status).toBe("changed");
      expect(await isLive(attacker)).toBe(false);
      await attackerConfirmsLater(user, link, attacker.sessionId);
    });

    it("after a password change on /account", async () => {
      const user = await newUser("takeover-change");
      const { attacker, link } = await attackerAsksForTheirAddress(user);
      const owner = await signedIn(user.email);
      const changed = await changePassword(
        ctx.db,
        {
          userId: user.id,
          currentPassword: PASSWORD,
          newPassword: NEW_PASSWORD,
          confirmPassword: NEW_PASSWORD,
          keepSessionId: owner.sessionId,
          cost: 4,
        },
        THROTTLE,
      );
      expect(changed.status).toBe("changed");
      expect(await isLive(owner)).toBe(true);
      expect(await isLive(attacker)).toBe(false);
      await attackerConfirmsLater(user, link, attacker.sessionId);
    });

    it("after an admin's 'end sessions'", async () => {
      const user = await newUser("takeover-admin");
      const { attacker, link } = await attackerAsksForTheirAddress(user);
      await accountSecurityEvent(ctx.db, { kind: "sessions-ended", userId: user.id });
      expect(await isLive(attacker)).toBe(false);
      await attackerConfirmsLater(user, link, attacker.sessionId);
    });
  });
});

describe("device cookies and the undo link", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_SESSION_STRATEGY: "database",
      AUTH_SIGNIN_MAX_FAILURES: String(MAX_FAILURES),
      AUTH_EMAIL_SEND_MAX: "100",
    });
  });
  afterAll(() => ctx.cleanup());

  async function newUser(label: string) {
    const email = `${label}-${++counter}@example.com`;
    const { id } = await createUser(ctx.db, { email, password: PASSWORD });
    return { id, email };
  }

  /** One sign-in attempt from a browser holding `device` (or none): signed-in, wrong or refused. */
  async function attempt(email: string, password: string, device?: string) {
    const client = new AuthClient(ctx.env, ctx.db);
    if (device) client.cookies.set("authjs.device", device);
    const location = (await client.signIn(email, password)).headers.get("location") ?? "";
    return location === `${APP_URL}/dashboard`
      ? { result: "signed-in" as const, client }
      : { result: location.includes("code=rate_limited") ? ("refused" as const) : ("wrong" as const), client };
  }

  it("old device cookies get no guesses of their own after a reset: six of them share the untrusted bucket", async () => {
    const user = await newUser("old-devices");
    // Six browsers that signed in before the reset, each holding its device cookie (with a bucket of its own).
    const devices = Array.from({ length: 6 }, () =>
      issueDeviceToken(TEST_SECRET, { email: user.email, credentialEpoch: 0 })!,
    );
    for (const device of devices) expect((await attempt(user.email, "typo", device)).result).toBe("wrong");
    expect(await ctx.db.signInThrottle.count({ where: { key: { startsWith: `device:${user.email}:` } } })).toBe(6);
    expect(await ctx.db.signInThrottle.count({ where: { key: `account:${user.email}` } })).toBe(0);
    const token = await issueEmailToken(ctx.db, {
      userId: user.id,
      purpose: "reset-password",
      email: user.email,
      ttlSeconds: 600,
    });
    await resetPassword(ctx.db, ctx.env, {
      token,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
      meta: META,
    });
    const results: string[] = [];
    for (const device of devices)
      for (let guess = 0; guess < MAX_FAILURES; guess++)
        results.push((await attempt(user.email, `guess-${guess}`, device)).result);
    expect(results.filter((result) => result === "wrong")).toHaveLength(MAX_FAILURES);
    expect(results.filter((result) => result === "refused")).toHaveLength(6 * MAX_FAILURES - MAX_FAILURES);
  });

  it(`an account has at most ${DEVICE_BUCKETS_PER_ACCOUNT} device buckets: further cookies share the untrusted one`, async () => {
    const user = await newUser("many-devices");
    const account = { email: user.email, credentialEpoch: 0 };
    for (let i = 0; i < DEVICE_BUCKETS_PER_ACCOUNT; i++)
      expect((await attempt(user.email, "wrong", issueDeviceToken(TEST_SECRET, account)!)).result).toBe("wrong");
    expect(await ctx.db.signInThrottle.count({ where: { key: `account:${user.email}` } })).toBe(0);
    expect((await attempt(user.email, "wrong", issueDeviceToken(TEST_SECRET, account)!)).result).toBe("wrong");
    expect(await ctx.db.signInThrottle.findUnique({ where: { key: `account:${user.email}` } })).toMatchObject({
      failures: 1,
    });
  });

  it("'this wasn't me': the old address undoes a takeover that reset the password from the new one", async () => {
    const user = await newUser("undo");
    const theirs = `thief-${counter}@evil.test`;
    const change = await issueEmailToken(ctx.db, {
      userId: user.id,
      purpose: "change-email",
      email: theirs,
      ttlSeconds: 600,
    });
    expect(
      await confirmEmailChange(ctx.db, ctx.env, { token: change, signedIn: null, requestMeta: META }, origin),
    ).toMatchObject({ status: "changed", email: theirs });
    const notice = await catcher.waitFor({ to: user.email, subject: /email address of your account was changed/ });
    expect(notice.text).toContain("If this wasn't you, undo the change within 7 days");
    const undo = tokenIn(notice.text, "/undo-email-change");

    // The thief resets the password from their inbox: that must not cancel the owner's way back.
    await requestPasswordReset(ctx.db, ctx.env, { email: theirs, ip: null, origin: APP_URL });
    await answeredRequestsDone();
    const resetMail = await catcher.waitFor({ to: theirs, subject: /Reset your password/ });
    const thiefPassword = "the-thief-chose-this-one";
    await resetPassword(ctx.db, ctx.env, {
      token: tokenIn(resetMail.text, "/reset-password"),
      newPassword: thiefPassword,
      confirmPassword: thiefPassword,
      meta: META,
    });
    const thiefSession = await attempt(theirs, thiefPassword);
    expect(thiefSession.result).toBe("signed-in");
    // Someone signs up with the freed old address; unconfirmed, it must not block the undo.
    await createUser(ctx.db, { email: user.email, password: "a-squatter-password", verified: false });

    const undone = await undoEmailChange(ctx.db, ctx.env, { token: undo });
    expect(undone).toMatchObject({ status: "undone", email: user.email });
    const row = await ctx.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ email: user.email, passwordHash: null });
    expect(await ctx.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect((await attempt(theirs, thiefPassword)).result).toBe("wrong");
    expect((await attempt(user.email, thiefPassword)).result).toBe("wrong");
    // The link works once, and the owner goes on to choose a password with the returned reset token.
    expect(await undoEmailChange(ctx.db, ctx.env, { token: undo })).toMatchObject({ problem: "used" });
    if (undone.status !== "undone") throw new Error("unreachable");
    expect(
      await resetPassword(ctx.db, ctx.env, {
        token: undone.resetToken,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
        meta: META,
      }),
    ).toMatchObject({ status: "changed" });
    expect((await attempt(user.email, NEW_PASSWORD)).result).toBe("signed-in");
  });

  it("a later email change does not withdraw an earlier undo link", async () => {
    const user = await newUser("chain");
    const first = `first-${counter}@evil.test`;
    const second = `second-${counter}@evil.test`;
    for (const to of [first, second]) {
      const token = await issueEmailToken(ctx.db, {
        userId: user.id,
        purpose: "change-email",
        email: to,
        ttlSeconds: 600,
      });
      await confirmEmailChange(ctx.db, ctx.env, { token, signedIn: null, requestMeta: META }, origin);
    }
    const notice = await catcher.waitFor({ to: user.email, subject: /email address of your account was changed/ });
    expect(await undoEmailChange(ctx.db, ctx.env, { token: tokenIn(notice.text, "/undo-email-change") })).toMatchObject(
      {
        status: "undone",
        email: user.email,
      },
    );
  });

  it("bad undo tokens change nothing", async () => {
    const user = await newUser("undo-bad");
    for (const token of [undefined, "", "x".repeat(5000), "not a token\r\n", 42, { token: "x" }])
      expect(await undoEmailChange(ctx.db, ctx.env, { token })).toMatchObject({ status: "error", problem: "invalid" });
    const reset = await issueEmailToken(ctx.db, {
      userId: user.id,
      purpose: "reset-password",
      email: user.email,
      ttlSeconds: 600,
    });
    // A link of another purpose is not an undo link.
    expect(await undoEmailChange(ctx.db, ctx.env, { token: reset })).toMatchObject({ problem: "invalid" });
    expect(await ctx.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      email: user.email,
      credentialEpoch: 0,
    });
  });
});
