import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAIN_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import { createSessionStrategy } from "../../lib/auth/strategy";
import { peekEmailToken } from "../../lib/auth/email-tokens";
import { confirmSignUp, declineSignUp } from "../../lib/confirm-sign-up";
import { requestVerificationLink, sendVerificationLink } from "../../lib/email-verification";
import { answeredRequestsDone } from "../../lib/link-mail";
import { whenMailQueueEmpty } from "../../lib/mail";
import { checkResetLink, requestPasswordReset, resetPassword } from "../../lib/password-reset";
import { signUp } from "../../lib/sign-up";
import { startMailCatcher, type CaughtMail } from "../../harness/mail-catcher";
import { AuthClient } from "../support/auth-client";
import { passTime } from "../support/clock";
import { createTestContext, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// Address confirmation and password reset against a real database, the real Auth.js handler and a real SMTP
// server: the links are read from the delivered mail, as a user would.
const catcher = await startMailCatcher();
process.env.SMTP_URL = catcher.url; // the app's mailer is made on first use, from the process environment
const ORIGIN = "http://localhost:3000";
const password = "correct-horse-battery";
const newPassword = "a-brand-new-correct-horse";
const meta = { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36", ip: "203.0.113.7" };
let n = 0;
const fresh = (label: string) => `${label}-${n++}@example.com`;

/** The token of the mail's link to `path` (the first link when it has several). */
function linkIn(mail: CaughtMail, path: string): string {
  const links = (mail.text.match(/https?:\/\/\S+/g) ?? []).map((link) => new URL(link));
  const url = links.find((link) => link.pathname === path) ?? links[0]!;
  expect(url.origin + url.pathname).toBe(ORIGIN + path);
  expect(mail.html).toContain(url.toString().replaceAll("&", "&amp;"));
  return url.searchParams.get("token")!;
}

afterAll(() => catcher.stop());

describe.each(["database", "jwt"] as const)("email flows, %s sessions", (strategy) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_SESSION_STRATEGY: strategy,
      AUTH_EMAIL_VERIFICATION: "required",
      AUTH_JWT_RECHECK_SECONDS: "300",
      AUTH_EMAIL_SEND_MAX: "3",
    });
  });
  afterAll(() => ctx.cleanup());

  async function signIn(email: string, secret: string) {
    const client = new AuthClient(ctx.env, ctx.db);
    const response = await client.signIn(email, secret);
    return { client, location: response.headers.get("location") ?? "" };
  }

  it("an unconfirmed account cannot sign in (required); the emailed link confirms it, once", async () => {
    const email = fresh("verify");
    const user = await createUser(ctx.db, { email, password, verified: false });
    expect((await signIn(email, password)).location).toContain("code=unverified");
    // A wrong password says nothing about confirmation.
    expect((await signIn(email, "wrong-password")).location).not.toContain("unverified");

    expect(await sendVerificationLink(ctx.db, ctx.env, { user, origin: ORIGIN })).toBe(true);
    const token = linkIn(await catcher.waitFor({ to: email, subject: /Confirm your email/ }), "/verify-email");
    expect(await confirmSignUp(ctx.db, ctx.env, { token, password, client: null })).toEqual({ status: "confirmed" });
    expect(await confirmSignUp(ctx.db, ctx.env, { token, password, client: null })).toMatchObject({ problem: "used" });
    expect((await ctx.db.user.findUnique({ where: { id: user.id } }))!.emailVerified).toBeInstanceOf(Date);
    const { client, location } = await signIn(email, password);
    expect(location).not.toContain("error");
    expect(client.sessionCookie()).toBeDefined();
  });

  it("asking for a new confirmation link: the same answer for unknown, confirmed and unconfirmed addresses", async () => {
    const unconfirmed = fresh("resend");
    await createUser(ctx.db, { email: unconfirmed, password, verified: false });
    const confirmed = fresh("resend-done");
    await createUser(ctx.db, { email: confirmed, password });
    const answers = await Promise.all(
      [unconfirmed, confirmed, fresh("nobody")].map((email) =>
        requestVerificationLink(ctx.db, ctx.env, { email, ip: null, origin: ORIGIN }),
      ),
    );
    expect(answers).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    await answeredRequestsDone();
    const to = (await catcher.messages()).flatMap((mail) => mail.to);
    expect(to).toContain(unconfirmed);
    expect(to).not.toContain(confirmed);
  });

  it("forgot → reset: new password works, the old one and every session are dead, the link works once", async () => {
    const email = fresh("reset");
    const user = await createUser(ctx.db, { email, password, verified: false });
    await ctx.db.user.update({ where: { id: user.id }, data: { emailVerified: new Date() } });
    const signedIn = await Promise.all([signIn(email, password), signIn(email, password)]);
    const verify = createSessionStrategy(ctx.env, ctx.db).verify;
    const cookies = signedIn.map(({ client }) => ({ name: PLAIN_SESSION_COOKIE, value: client.sessionCookie()! }));
    for (const cookie of cookies) expect(await verify(cookie)).not.toBeNull();

    expect(await requestPasswordReset(ctx.db, ctx.env, { email, ip: null, origin: ORIGIN })).toEqual({ ok: true });
    await answeredRequestsDone();
    const token = linkIn(await catcher.waitFor({ to: email, subject: /Reset your password/ }), "/reset-password");
    expect(await checkResetLink(ctx.db, token)).toEqual({ ok: true });

    // A weak password or a mismatch leaves the link working.
    const weak = await resetPassword(ctx.db, ctx.env, {
      token,
      newPassword: "password",
      confirmPassword: "password",
      meta,
    });
    expect(weak.status).toBe("error");
    const mismatch = await resetPassword(ctx.db, ctx.env, { token, newPassword, confirmPassword: "other", meta });
    expect(mismatch).toMatchObject({ fieldErrors: { confirmPassword: ["The passwords do not match."] } });

    const done = await resetPassword(ctx.db, ctx.env, { token, newPassword, confirmPassword: newPassword, meta });
    expect(done).toEqual({ status: "changed", endedSessions: 2 });
    // Both strategies: the sessions are refused on their next request (JWT: the app announced the change).
    for (const cookie of cookies) expect(await verify(cookie)).toBeNull();
    expect((await signIn(email, password)).location).toContain("error=CredentialsSignin");
    expect((await signIn(email, newPassword)).client.sessionCookie()).toBeDefined();
    const again = await resetPassword(ctx.db, ctx.env, { token, newPassword, confirmPassword: newPassword, meta });
    expect(again).toEqual({ status: "error", message: expect.stringContaining("already been used") });
    await catcher.waitFor({ to: email, subject: /password was changed/i });
  });

  it("a reset confirms an unconfirmed address; a newer link kills the older; an expired link is refused", async () => {
    const email = fresh("reset-unconfirmed");
    const user = await createUser(ctx.db, { email, password, verified: false });
    const ask = async () => {
      await requestPasswordReset(ctx.db, ctx.env, { email, ip: null, origin: ORIGIN });
      await answeredRequestsDone();
      return linkIn(await catcher.waitFor({ to: email, subject: /Reset your password/ }), "/reset-password");
    };
    const older = await ask();
    const newer = await ask();
    expect(newer).not.toBe(older);
    expect(await checkResetLink(ctx.db, older)).toMatchObject({ ok: false });
    expect(
      await resetPassword(ctx.db, ctx.env, { token: newer, newPassword, confirmPassword: newPassword, meta }),
    ).toEqual({ status: "changed", endedSessions: 0 });
    expect((await ctx.db.user.findUnique({ where: { id: user.id } }))!.emailVerified).toBeInstanceOf(Date);

    const late = await ask();
    passTime((ctx.env.AUTH_PASSWORD_RESET_MINUTES * 60 + 1) * 1000);
    expect(await checkResetLink(ctx.db, late)).toEqual({ ok: false, message: expect.stringContaining("expired") });
  });

  it("every bad token is refused with a clear message and changes nothing", async () => {
    const before = await ctx.db.user.findMany({ select: { passwordHash: true }, orderBy: { id: "asc" } });
    for (const token of ["", "x".repeat(100_000), "A".repeat(43), "not a token", undefined, 7, "\u0000".repeat(43)]) {
      const result = await resetPassword(ctx.db, ctx.env, { token, newPassword, confirmPassword: newPassword, meta });
      expect(result).toEqual({ status: "error", message: expect.stringContaining("not valid") });
      expect(await confirmSignUp(ctx.db, ctx.env, { token, password, client: null })).toMatchObject({
        problem: "invalid",
      });
      expect(await declineSignUp(ctx.db, { token })).toMatchObject({ problem: "invalid" });
    }
    // A confirmation link is not a reset link.
    const email = fresh("wrong-purpose");
    const user = await createUser(ctx.db, { email, password, verified: false });
    await sendVerificationLink(ctx.db, ctx.env, { user, origin: ORIGIN });
    const token = linkIn(await catcher.waitFor({ to: email, subject: /Confirm your email/ }), "/verify-email");
    expect(
      await resetPassword(ctx.db, ctx.env, { token, newPassword, confirmPassword: newPassword, meta }),
    ).toMatchObject({
      status: "error",
    });
    expect(await ctx.db.user.findMany({ select: { passwordHash: true }, orderBy: { id: "asc" } })).toEqual([
      ...before,
      { passwordHash: expect.any(String) },
    ]);
  });

  it("asking is rate limited per address (the limit does not depend on whether an account exists)", async () => {
    const account = fresh("limited");
    await createUser(ctx.db, { email: account, password });
    for (const email of [account, fresh("limited-nobody")]) {
      const answers = [];
      for (let i = 0; i < 4; i++)
        answers.push(await requestPasswordReset(ctx.db, ctx.env, { email, ip: null, origin: ORIGIN }));
      expect(answers.map((a) => a.ok)).toEqual([true, true, true, false]);
      expect(answers[3]).toEqual({ ok: false, message: expect.stringContaining("Too many emails") });
    }
    await answeredRequestsDone();
  });

  it("forgot password takes the same time for an existing and an unknown address (medians over 40 tries each)", async () => {
    const known = fresh("timing");
    await createUser(ctx.db, { email: known, password });
    const limits = { ...ctx.env, AUTH_EMAIL_SEND_MAX: 1_000, AUTH_EMAIL_ADDRESS_SEND_MAX: 1_000 };
    const timeOne = async (email: string) => {
      const delivered = (await catcher.messages()).length;
      const started = performance.now();
      expect(await requestPasswordReset(ctx.db, limits, { email, ip: "198.51.100.9", origin: ORIGIN })).toEqual({
        ok: true,
      });
      const ms = performance.now() - started;
      // The mail goes out after the answer, and the catcher (in this process) stores it: keep that work out of
      // the next try's time.
      await answeredRequestsDone();
      if (email === known) while ((await catcher.messages()).length === delivered) await sleep(5);
      await sleep(5);
      return ms;
    };
    const unknown = fresh("timing-nobody");
    await timeOne(known); // first tries insert the throttle rows: not counted
    await timeOne(unknown);
    const times = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 40; i++) {
      // Alternating which goes first, so neither pays for what the other left behind.
      for (const email of i % 2 ? [known, unknown] : [unknown, known])
        times[email === known ? "known" : "unknown"].push(await timeOne(email));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const [a, b] = [median(times.known), median(times.unknown)];
    console.log(`forgot-password answer: known ${a.toFixed(2)} ms, unknown ${b.toFixed(2)} ms (medians of 40)`);
    // Loose enough for a loaded machine running test files in parallel; an inline lookup and mail is not.
    expect(Math.abs(a - b)).toBeLessThan(Math.max(0.2 * Math.max(a, b), 1));
  });

  it("SMTP down: the confirmation link is not sent, and no working token is left behind", async () => {
    const email = fresh("smtp-down");
    const user = await createUser(ctx.db, { email, password, verified: false });
    catcher.setMode("reject");
    try {
      expect(await sendVerificationLink(ctx.db, ctx.env, { user, origin: ORIGIN })).toBe(false);
    } finally {
      catcher.setMode("accept");
    }
    expect(await ctx.db.emailToken.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("signing up when confirmation is required", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_EMAIL_VERIFICATION: "required", AUTH_EMAIL_SEND_MAX: "3" });
  });
  afterAll(() => ctx.cleanup());

  const join = (email: string, secret = "a-stranger-picked-this-one", env = ctx.env) =>
    signUp(
      ctx.db,
      env,
      { name: "Someone New", email, password: secret },
      { addressLimit: null, origin: ORIGIN, ip: null },
    );
  const passwordHashOf = async (email: string) =>
    (await ctx.db.user.findUniqueOrThrow({ where: { email } })).passwordHash;

  it("an address with an account gets the same answer as a new one; its owner gets a way back in, nothing else", async () => {
    const taken = fresh("taken");
    await createUser(ctx.db, { email: taken, password });
    const hashBefore = await passwordHashOf(taken);
    const brandNew = fresh("brand-new");
    const users = await ctx.db.user.count();

    const answers = [await join(taken), await join(brandNew)];
    expect(answers).toEqual([
      { status: "check_inbox", email: taken },
      { status: "check_inbox", email: brandNew },
    ]);
    expect(await ctx.db.user.count()).toBe(users + 1);
    await catcher.waitFor({ to: brandNew, subject: /Confirm your email/ });

    // The owner's mail: sign in, or a working reset link. The password typed at sign-up changed nothing.
    const mail = await catcher.waitFor({ to: taken, subject: /tried to sign up/ });
    expect(mail.text).toContain(`${ORIGIN}/login`);
    expect(mail.text).not.toContain("a-stranger-picked-this-one");
    expect(await checkResetLink(ctx.db, linkIn(mail, "/reset-password"))).toEqual({ ok: true });
    expect(await passwordHashOf(taken)).toBe(hashBefore);
    expect(
      (await new AuthClient(ctx.env, ctx.db).signIn(taken, "a-stranger-picked-this-one")).headers.get("location"),
    ).toContain("error=CredentialsSignin");
  });

  it("an account made before its owner arrived: the owner's sign-up leads to a reset, which locks the stranger out", async () => {
    const victim = fresh("pre-made");
    expect(await join(victim, "the-strangers-own-password")).toEqual({ status: "check_inbox", email: victim });
    await join(victim, "the-owners-real-password");
    const token = linkIn(await catcher.waitFor({ to: victim, subject: /tried to sign up/ }), "/reset-password");
    expect(
      await resetPassword(ctx.db, ctx.env, { token, newPassword, confirmPassword: newPassword, meta }),
    ).toMatchObject({ status: "changed" });
    const location = async (secret: string) =>
      (await new AuthClient(ctx.env, ctx.db).signIn(victim, secret)).headers.get("location") ?? "";
    expect(await location("the-strangers-own-password")).toContain("error=CredentialsSignin");
    expect(await location(newPassword)).not.toContain("error");
  });

  it("a mail that cannot be sent: the same clear message either way, no account made, no token left", async () => {
    const taken = fresh("down-taken");
    const owner = await createUser(ctx.db, { email: taken, password });
    const brandNew = fresh("down-new");
    catcher.setMode("reject");
    let answers;
    try {
      answers = [await join(taken), await join(brandNew)];
    } finally {
      catcher.setMode("accept");
    }
    for (const answer of answers)
      expect(answer).toEqual({
        status: "error",
        reason: "mail_unavailable",
        message: expect.stringContaining("We could not send the email"),
      });
    expect(await ctx.db.user.findUnique({ where: { email: brandNew } })).toBeNull();
    expect(await ctx.db.emailToken.count({ where: { userId: owner.id } })).toBe(0);
    expect(await ctx.db.emailToken.count({ where: { email: brandNew } })).toBe(0);
    // Trying again once mail works starts afresh.
    expect(await join(brandNew)).toEqual({ status: "check_inbox", email: brandNew });
  });

  it("mail to one address is rate limited the same way whether it had an account or not", async () => {
    const taken = fresh("limit-taken");
    await createUser(ctx.db, { email: taken, password });
    const brandNew = fresh("limit-new"); // has an account after its first sign-up
    for (const email of [taken, brandNew]) {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await join(email));
      expect(answers.map((a) => a.status)).toEqual(["check_inbox", "check_inbox", "check_inbox", "error"]);
      expect(answers[3]).toMatchObject({ reason: "rate_limited", message: expect.stringContaining("Too many emails") });
    }
  });

  it("takes the same time for an address with an account and a new one (40 pairs of tries)", async () => {
    const taken = fresh("timing-taken");
    await createUser(ctx.db, { email: taken, password });
    // The production hash cost, and limits out of the way: the hash is most of the work, as in production.
    const env = { ...ctx.env, AUTH_BCRYPT_COST: 10, AUTH_EMAIL_SEND_MAX: 1_000, AUTH_EMAIL_ADDRESS_SEND_MAX: 1_000 };
    const timeOne = async (email: string) => {
      const started = performance.now();
      expect(await join(email, "the-same-typed-password-1", env)).toMatchObject({ status: "check_inbox" });
      return performance.now() - started;
    };
    await timeOne(taken);
    await timeOne(fresh("timing-warm-up"));
    // Each pair runs back to back (alternating which goes first), so a load that comes and goes on this machine
    // slows both of a pair alike: the median of the pairs' differences is what the address itself costs.
    const pairs: { taken: number; brandNew: number }[] = [];
    for (let i = 0; i < 40; i++) {
      const pair = { taken: 0, brandNew: 0 };
      for (const kind of i % 2 ? (["taken", "brandNew"] as const) : (["brandNew", "taken"] as const))
        pair[kind] = await timeOne(kind === "taken" ? taken : fresh("timing-new"));
      pairs.push(pair);
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const typical = median(pairs.flatMap((pair) => [pair.taken, pair.brandNew]));
    const difference = median(pairs.map((pair) => pair.taken - pair.brandNew));
    console.log(
      `sign-up answer: median ${typical.toFixed(1)} ms; with an account minus new, median of 40 pairs ${difference.toFixed(1)} ms`,
    );
    expect(Math.abs(difference) / typical).toBeLessThan(0.05);
  });
});

describe("the confirmation link: the account's password confirms it; the address's owner can decline it", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_EMAIL_VERIFICATION: "required",
      AUTH_SIGNIN_MAX_FAILURES: "3",
      AUTH_SIGNIN_LOCKOUT_SECONDS: "300",
    });
  });
  afterAll(() => ctx.cleanup());

  /** A sign-up as the form makes it, and the token of the confirmation link it mailed. */
  async function signUpAndTakeLink(email: string, secret: string): Promise<string> {
    const answer = await signUp(
      ctx.db,
      ctx.env,
      { name: "Someone New", email, password: secret },
      { addressLimit: null, origin: ORIGIN, ip: null },
    );
    expect(answer).toEqual({ status: "check_inbox", email });
    return linkIn(await catcher.waitFor({ to: email, subject: /Confirm your email/ }), "/verify-email");
  }
  const confirm = (token: string, secret: string) =>
    confirmSignUp(ctx.db, ctx.env, { token, password: secret, client: "203.0.113.9" });
  const verifiedAt = async (email: string) => (await ctx.db.user.findUniqueOrThrow({ where: { email } })).emailVerified;
  const mailTo = async (email: string) => (await catcher.messages()).filter((mail) => mail.to.includes(email)).length;

  it("a stranger signed up with the owner's address: the owner's click confirms nothing without the stranger's password", async () => {
    const victim = fresh("squatted");
    const token = await signUpAndTakeLink(victim, "the-strangers-own-password");
    for (const guess of ["", "the-owners-usual-password"]) {
      const answer = await confirm(token, guess);
      expect(answer).toMatchObject({ status: "error", problem: "password" });
      expect(answer).toHaveProperty("fieldErrors.password", [expect.any(String)]);
    }
    expect(await verifiedAt(victim)).toBeNull();
    // The link still works (for the real sign-up-er, or for "I did not sign up"), and the account still cannot sign in.
    expect((await peekEmailToken(ctx.db, "verify-email", token)).ok).toBe(true);
    const signIn = await new AuthClient(ctx.env, ctx.db).signIn(victim, "the-strangers-own-password");
    expect(signIn.headers.get("location")).toContain("code=unverified");
  });

  it("whoever signed up confirms with their password, once", async () => {
    const email = fresh("confirm-own");
    const token = await signUpAndTakeLink(email, "my-own-chosen-password");
    expect(await confirm(token, "my-own-chosen-password")).toEqual({ status: "confirmed" });
    expect(await verifiedAt(email)).toBeInstanceOf(Date);
    expect(await confirm(token, "my-own-chosen-password")).toMatchObject({ status: "error", problem: "used" });
    expect(await declineSignUp(ctx.db, { token })).toMatchObject({ status: "error", problem: "used" });
    expect(await ctx.db.user.count({ where: { email } })).toBe(1);
  });

  it("wrong passwords are throttled like sign-in passwords; the link outlives the lockout", async () => {
    const email = fresh("confirm-guesses");
    const token = await signUpAndTakeLink(email, "the-right-password-1");
    for (let i = 0; i < 3; i++) expect(await confirm(token, `guess-${i}`)).toMatchObject({ problem: "password" });
    // The limit reached, even the right password is refused until the lockout is over.
    expect(await confirm(token, "the-right-password-1")).toEqual({
      status: "error",
      problem: "password",
      message: expect.stringContaining("Too many wrong passwords"),
    });
    expect(await verifiedAt(email)).toBeNull();
    passTime(301 * 1000);
    expect(await confirm(token, "the-right-password-1")).toEqual({ status: "confirmed" });
  });

  it("I did not sign up: the unconfirmed account is removed, nobody is told, and the address is free again", async () => {
    const victim = fresh("declined");
    const token = await signUpAndTakeLink(victim, "the-strangers-own-password");
    const mailsBefore = await mailTo(victim);
    expect(await declineSignUp(ctx.db, { token })).toEqual({ status: "removed" });
    expect(await ctx.db.user.findUnique({ where: { email: victim } })).toBeNull();
    expect(await ctx.db.emailToken.count({ where: { email: victim } })).toBe(0);
    await whenMailQueueEmpty();
    await answeredRequestsDone();
    expect(await mailTo(victim)).toBe(mailsBefore);
    expect(await confirm(token, "the-strangers-own-password")).toMatchObject({ status: "error", problem: "invalid" });
    // The owner can now sign up themselves: a new account and a confirmation link, not "someone tried to sign up".
    await signUpAndTakeLink(victim, "the-owners-own-password");
  });

  it("a confirmed account is never removed this way, nor an unconfirmed one that has signed in", async () => {
    const confirmed = fresh("decline-confirmed");
    const first = await signUpAndTakeLink(confirmed, "the-first-password-1");
    // Confirmed since the link was sent (a password reset confirms the address, for one).
    await ctx.db.user.update({ where: { email: confirmed }, data: { emailVerified: new Date() } });
    expect(await declineSignUp(ctx.db, { token: first })).toEqual({ status: "kept" });
    expect(await verifiedAt(confirmed)).toBeInstanceOf(Date);

    // Where confirmation is optional, a new account signs in before confirming: it has been used.
    const used = fresh("decline-used");
    const user = await createUser(ctx.db, { email: used, password, verified: false });
    const optional = { ...ctx.env, AUTH_EMAIL_VERIFICATION: "optional" as const };
    expect((await new AuthClient(optional, ctx.db).signIn(used, password)).headers.get("location")).not.toContain(
      "error",
    );
    await sendVerificationLink(ctx.db, ctx.env, { user, origin: ORIGIN });
    const second = linkIn(await catcher.waitFor({ to: used, subject: /Confirm your email/ }), "/verify-email");
    expect(await declineSignUp(ctx.db, { token: second })).toEqual({ status: "kept" });
    expect(await ctx.db.user.count({ where: { id: user.id } })).toBe(1);
  });
});
