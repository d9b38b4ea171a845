import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueEmailToken, redeemEmailToken } from "../../lib/auth/email-tokens";
import { PLAIN_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import { createSessionStrategy } from "../../lib/auth/strategy";
import {
  checkNewInboxMessage,
  confirmEmailChange,
  NO_LINK_MESSAGE,
  requestEmailChange,
  SEND_FAILED_MESSAGE,
} from "../../lib/email-change";
import { whenMailQueueEmpty } from "../../lib/mail";
import { startMailCatcher, type CaughtMail, type MailCatcher } from "../../harness/mail-catcher";
import { AuthClient } from "../support/auth-client";
import { createTestContext, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// Changing the account's address (lib/email-change.ts) against a real database and a real SMTP server: the link
// arrives by mail, is redeemed once, and only then does the address change; sessions, JWT claims and the old
// address's notice follow. Nothing about other accounts leaks to the person asking.

const APP_URL = "http://localhost:3000";
const LINK = /http:\/\/localhost:3000\/confirm-email-change\?token=([A-Za-z0-9_-]+)/;
const PASSWORD = "correct-horse-battery";
const MAX_WRONG = 3;
const SEND_MAX = 4;
const THROTTLE = { max: MAX_WRONG, windowSeconds: 900, lockoutSeconds: 900 };
const IP = "203.0.113.9";
const META = { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36", ip: IP };

let catcher: MailCatcher;
let ctx: TestContext;
let counter = 0;

beforeAll(async () => {
  catcher = await startMailCatcher();
  // The app's mailer and link origin read the process environment once, on first use: set before any mail.
  process.env.SMTP_URL = catcher.url;
  process.env.AUTH_URL = APP_URL;
  process.env.MAIL_SEND_TIMEOUT_MS = "5000";
  ctx = await createTestContext({ AUTH_EMAIL_SEND_MAX: String(SEND_MAX), AUTH_EMAIL_ADDRESS_SEND_MAX: "1000" });
});
afterAll(async () => {
  await whenMailQueueEmpty();
  await ctx?.cleanup();
  await catcher?.stop();
});

async function newUser(label: string) {
  const email = `${label}-${++counter}@example.com`;
  const { id } = await createUser(ctx.db, { email, password: PASSWORD });
  return { id, email };
}

const freshAddress = (label: string) => `${label}-new-${++counter}@example.net`;

function ask(userId: string, newEmail: string, currentPassword = PASSWORD, makeLink?: () => Promise<string | null>) {
  return requestEmailChange(
    ctx.db,
    ctx.env,
    { userId, newEmail, currentPassword, cost: 4, ip: IP },
    THROTTLE,
    makeLink,
  );
}

async function mailTo(address: string): Promise<CaughtMail[]> {
  return (await catcher.messages()).filter((mail) => mail.to.includes(address.toLowerCase()));
}

async function linkSentTo(address: string): Promise<{ url: string; token: string; mail: CaughtMail }> {
  const mail = await catcher.waitFor({ to: address, subject: /Confirm your new email address/ });
  const match = LINK.exec(mail.text);
  expect(match, mail.text).not.toBeNull();
  expect(mail.html).toContain(`href="${match![0]}"`);
  return { url: match![0], token: match![1], mail };
}

const rowOf = (id: string) =>
  ctx.db.user.findUniqueOrThrow({ where: { id }, select: { email: true, emailVerified: true } });
const pendingLinks = (userId: string) =>
  ctx.db.emailToken.count({ where: { userId, purpose: "change-email", usedAt: null } });

describe("asking for an email change", () => {
  it("refuses a malformed new address and a missing password without work, and the current address", async () => {
    const user = await newUser("ask");
    for (const bad of ["", "not-an-address", `${"a".repeat(250)}@example.com`, "a@b\r\nBcc: x@evil.test"])
      expect(await ask(user.id, bad)).toMatchObject({
        status: "error",
        fieldErrors: { newEmail: [expect.any(String)] },
      });
    expect(await ask(user.id, freshAddress("ask"), "")).toMatchObject({
      fieldErrors: { currentPassword: ["Enter your current password."] },
    });
    expect(await ask(user.id, user.email.toUpperCase())).toMatchObject({
      fieldErrors: { newEmail: ["That is already your email address."] },
    });
    expect(await pendingLinks(user.id)).toBe(0);
  });

  it("a wrong current password changes nothing and is throttled like a sign-in: then even the right one is refused", async () => {
    const user = await newUser("wrong");
    const target = freshAddress("wrong");
    for (let i = 0; i < MAX_WRONG; i++)
      expect(await ask(user.id, target, `wrong-${i}`)).toMatchObject({
        fieldErrors: { currentPassword: ["Your current password is not correct."] },
      });
    expect(await ask(user.id, target)).toEqual({
      status: "error",
      message: "Too many wrong passwords. Please wait 15 minutes and try again.",
    });
    expect(await pendingLinks(user.id)).toBe(0);
    expect(await mailTo(target)).toEqual([]);
    expect((await rowOf(user.id)).email).toBe(user.email);
  });

  it("an address that already has an account gets the same answer, no link, no change, and its owner a note", async () => {
    const asker = await newUser("asker");
    const owner = await newUser("owner");
    const free = freshAddress("free");
    const toFree = await ask(asker.id, free);
    const toTaken = await ask(asker.id, owner.email);
    expect(toFree).toEqual({ status: "sent", message: checkNewInboxMessage(free) });
    expect(toTaken).toEqual({ status: "sent", message: checkNewInboxMessage(owner.email) });
    // The only difference in the answers is the address the asker typed.
    expect(toTaken.message.replace(owner.email, "X")).toBe(toFree.message.replace(free, "X"));

    const note = await catcher.waitFor({ to: owner.email, subject: /Someone tried to use your email address/ });
    expect(note.text).not.toMatch(/https?:\/\//);
    expect(note.text + note.html).not.toContain(asker.email);
    expect(await mailTo(owner.email)).toHaveLength(1);
    // Every request withdraws the asker's earlier link, to a taken address as to a free one (or whether the old
    // link still works would tell them); nothing points at the taken one.
    const rows = await ctx.db.emailToken.findMany({ where: { userId: asker.id }, select: { email: true } });
    expect(rows).toEqual([]);
    expect((await rowOf(asker.id)).email).toBe(asker.email);
    expect((await rowOf(owner.id)).email).toBe(owner.email);
  });

  it("the send limit counts requests to taken and free addresses alike (it cannot tell them apart)", async () => {
    const asker = await newUser("limit");
    const owner = await newUser("limit-owner");
    const free = freshAddress("limit");
    for (const address of [free, owner.email]) {
      for (let i = 0; i < SEND_MAX; i++) expect((await ask(asker.id, address)).status).toBe("sent");
      const refused = await ask(asker.id, address);
      expect(refused).toMatchObject({ status: "error", message: expect.stringMatching(/^Too many emails asked for/) });
    }
    expect(await mailTo(free)).toHaveLength(SEND_MAX);
  });

  it("a new link replaces the previous one: the first stops working", async () => {
    const user = await newUser("twice");
    const first = freshAddress("first");
    const second = freshAddress("second");
    await ask(user.id, first);
    const { token: firstToken } = await linkSentTo(first);
    await ask(user.id, second);
    const { token: secondToken } = await linkSentTo(second);
    expect(
      await confirmEmailChange(ctx.db, ctx.env, { token: firstToken, signedIn: null, requestMeta: META }),
    ).toMatchObject({
      status: "error",
      problem: "invalid",
    });
    expect((await rowOf(user.id)).email).toBe(user.email);
    expect(
      await confirmEmailChange(ctx.db, ctx.env, { token: secondToken, signedIn: null, requestMeta: META }),
    ).toMatchObject({
      status: "changed",
      email: second,
    });
  });

  it("without a trustworthy link origin nothing is sent or stored, whether or not the address is taken", async () => {
    const user = await newUser("nolink");
    const owner = await newUser("nolink-owner");
    const free = freshAddress("nolink");
    for (const address of [free, owner.email])
      expect(await ask(user.id, address, PASSWORD, async () => null)).toEqual({
        status: "error",
        message: NO_LINK_MESSAGE,
      });
    expect(await pendingLinks(user.id)).toBe(0);
    expect(await mailTo(free)).toEqual([]);
    expect(await mailTo(owner.email)).toEqual([]);
  });
});

describe.each(["database", "jwt"] as const)("confirming the change, %s sessions", (strategy) => {
  const env = () => ({ ...ctx.env, AUTH_SESSION_STRATEGY: strategy });

  async function signedIn(email: string) {
    const client = new AuthClient(env(), ctx.db);
    await client.signIn(email, PASSWORD);
    const verified = await check(client);
    expect(verified?.session.user.email).toBe(email);
    return { client, sessionId: verified!.sessionId };
  }
  const check = (client: AuthClient) =>
    createSessionStrategy(env(), ctx.db).verify({ name: PLAIN_SESSION_COOKIE, value: client.sessionCookie() ?? "" });

  it("the link from the mail changes the address: verified, old address told, other sessions ended, this one shows the new address", async () => {
    const user = await newUser(`ok-${strategy}`);
    const here = await signedIn(user.email);
    const elsewhere = await signedIn(user.email);
    const reset = await issueEmailToken(ctx.db, {
      userId: user.id,
      purpose: "reset-password",
      email: user.email,
      ttlSeconds: 600,
    });
    const target = freshAddress(`ok-${strategy}`);
    expect((await ask(user.id, target)).status).toBe("sent");
    const { url, token, mail } = await linkSentTo(target);
    expect(url.startsWith(`${APP_URL}/confirm-email-change?token=`)).toBe(true);
    expect(mail.text).toContain(`Confirm that ${target} should become`);
    // Asking changed nothing yet.
    expect((await rowOf(user.id)).email).toBe(user.email);

    const before = Date.now();
    const result = await confirmEmailChange(ctx.db, ctx.env, {
      token: new URL(url).searchParams.get("token"),
      signedIn: { userId: user.id, sessionId: here.sessionId },
      requestMeta: META,
    });
    expect(result).toEqual({ status: "changed", email: target, credentialEpoch: 1, staysSignedIn: true });
    const row = await rowOf(user.id);
    expect(row.email).toBe(target);
    expect(row.emailVerified!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    // This browser sees the new address on its next request (JWT: the change was announced); the other is out.
    expect((await check(here.client))?.session.user.email).toBe(target);
    expect((await here.client.session())?.user).toMatchObject({ email: target });
    expect(await check(elsewhere.client)).toBeNull();
    expect(await ctx.db.session.count({ where: { userId: user.id } })).toBe(1);

    // A reset link mailed to the old address no longer acts on the account; the change link works once.
    expect(await redeemEmailToken(ctx.db, "reset-password", reset)).toEqual({ ok: false, problem: "invalid" });
    expect(await confirmEmailChange(ctx.db, ctx.env, { token, signedIn: null, requestMeta: META })).toMatchObject({
      problem: "used",
    });

    const notice = await catcher.waitFor({ to: user.email, subject: /email address of your account was changed/ });
    expect(notice.text).toContain("Chrome 156 on Linux (203.0.113.9)");
    expect(notice.text).toContain(`to ${target[0]}…@example.net`);
    expect(notice.text + notice.html).not.toContain(target);

    // Sign-in now works with the new address only.
    expect((await new AuthClient(env(), ctx.db).signIn(user.email, PASSWORD)).headers.get("location")).not.toBe(
      `${APP_URL}/dashboard`,
    );
    await signedIn(target);
  });

  it("confirmed from a browser not signed in to the account: every session ends", async () => {
    const user = await newUser(`out-${strategy}`);
    const a = await signedIn(user.email);
    const stranger = await newUser(`stranger-${strategy}`);
    const strangers = await signedIn(stranger.email);
    await ask(user.id, freshAddress(`out-${strategy}`));
    const { token } = await linkSentTo(
      (await ctx.db.emailToken.findFirstOrThrow({ where: { userId: user.id } })).email,
    );
    // Signed in, but to another account: that session is neither kept nor touched.
    const result = await confirmEmailChange(ctx.db, ctx.env, {
      token,
      signedIn: { userId: stranger.id, sessionId: strangers.sessionId },
      requestMeta: META,
    });
    expect(result).toMatchObject({ status: "changed", staysSignedIn: false });
    expect(await check(a.client)).toBeNull();
    expect(await ctx.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect((await check(strangers.client))?.session.user.email).toBe(stranger.email);
  });

  it("every bad link is refused with a clear message and changes nothing", async () => {
    const user = await newUser(`bad-${strategy}`);
    const session = await signedIn(user.email);
    const target = freshAddress(`bad-${strategy}`);
    await ask(user.id, target);
    const { token } = await linkSentTo(target);
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    const wrongPurpose = await issueEmailToken(ctx.db, {
      userId: user.id,
      purpose: "verify-email",
      email: target,
      ttlSeconds: 600,
    });
    const cases: [unknown, string, RegExp][] = [
      [undefined, "invalid", /not valid/],
      ["", "invalid", /not valid/],
      [["a", "b"], "invalid", /not valid/],
      ["x".repeat(1_000_000), "invalid", /not valid/],
      [`${token}\u0000`, "invalid", /not valid/],
      [tampered, "invalid", /not valid/],
      [wrongPurpose, "invalid", /not valid/],
    ];
    for (const [bad, problem, message] of cases) {
      const result = await confirmEmailChange(ctx.db, ctx.env, {
        token: bad,
        signedIn: { userId: user.id, sessionId: session.sessionId },
        requestMeta: META,
      });
      expect(result).toMatchObject({ status: "error", problem, message: expect.stringMatching(message) });
    }
    // Expired: the row's time is up (as the clock would make it).
    await ctx.db.emailToken.updateMany({
      where: { userId: user.id, purpose: "change-email" },
      data: { expires: new Date(Date.now() - 1000) },
    });
    expect(await confirmEmailChange(ctx.db, ctx.env, { token, signedIn: null, requestMeta: META })).toMatchObject({
      problem: "expired",
      message: expect.stringMatching(/expired/),
    });
    expect(await rowOf(user.id)).toMatchObject({ email: user.email });
    expect((await check(session.client))?.session.user.email).toBe(user.email);
    expect(await mailTo(user.email)).toEqual([]);
  });
});

describe("races and a disabled account", () => {
  it("the address taken by another account before the link is used: a clear refusal, nothing changes", async () => {
    const user = await newUser("race");
    const target = freshAddress("race");
    await ask(user.id, target);
    const { token } = await linkSentTo(target);
    await createUser(ctx.db, { email: target, password: PASSWORD });
    expect(await confirmEmailChange(ctx.db, ctx.env, { token, signedIn: null, requestMeta: META })).toMatchObject({
      status: "error",
      problem: "taken",
      message: expect.stringMatching(/belongs to another account/),
    });
    expect((await rowOf(user.id)).email).toBe(user.email);
  });

  it("two accounts confirming the same new address at once: one wins, the other is refused (no server error)", async () => {
    const [a, b] = [await newUser("race-a"), await newUser("race-b")];
    const target = freshAddress("race-both");
    const tokens = await Promise.all(
      [a, b].map((user) =>
        issueEmailToken(ctx.db, { userId: user.id, purpose: "change-email", email: target, ttlSeconds: 600 }),
      ),
    );
    const results = await Promise.all(
      tokens.map((token) => confirmEmailChange(ctx.db, ctx.env, { token, signedIn: null, requestMeta: META })),
    );
    expect(results.map((r) => r.status).sort()).toEqual(["changed", "error"]);
    expect(results.find((r) => r.status === "error")).toMatchObject({ problem: "taken" });
    expect(await ctx.db.user.count({ where: { email: target } })).toBe(1);
  });

  it("a disabled account's link does nothing", async () => {
    const user = await newUser("disabled");
    const target = freshAddress("disabled");
    await ask(user.id, target);
    const { token } = await linkSentTo(target);
    await ctx.db.user.update({ where: { id: user.id }, data: { active: false } });
    expect(await confirmEmailChange(ctx.db, ctx.env, { token, signedIn: null, requestMeta: META })).toMatchObject({
      problem: "invalid",
    });
    expect((await rowOf(user.id)).email).toBe(user.email);
  });
});

// Last: the SMTP server stays down for the rest of the file.
describe("when the mail cannot be sent", () => {
  it("says so, and leaves no working link behind", async () => {
    const user = await newUser("smtp");
    const owner = await newUser("smtp-owner");
    await whenMailQueueEmpty();
    await catcher.stop();
    for (const address of [freshAddress("smtp"), owner.email])
      expect(await ask(user.id, address)).toEqual({ status: "error", message: SEND_FAILED_MESSAGE });
    expect(await ctx.db.emailToken.count({ where: { userId: user.id } })).toBe(0);
    expect((await rowOf(user.id)).email).toBe(user.email);
  });
});
