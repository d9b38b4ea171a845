import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode, encode } from "next-auth/jwt";
import { hashToken } from "../../lib/auth/random-token";
import { AuthClient } from "../support/auth-client";
import { createTestContext, TEST_SECRET, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";
import { PLAIN_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import { passTime } from "../support/clock";
import { createSessionStrategy } from "../../lib/auth/strategy";

// ASVS 5.0 V7 session management, in both strategies, against the real Auth.js handler and a real database.
const SALT = PLAIN_SESSION_COOKIE; // the cookie name is the key-derivation salt
// Long enough that "still within the window" holds on a slow machine (a check's time has whole seconds).
const RECHECK_SECONDS = 60;
const pastRecheckWindow = () => passTime((RECHECK_SECONDS + 1) * 1000);

describe.each(["database", "jwt"] as const)("session lifecycle, %s strategy", (strategy) => {
  let ctx: TestContext;
  const password = "correct-horse-battery";
  let userId: string;

  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_SESSION_STRATEGY: strategy,
      AUTH_JWT_RECHECK_SECONDS: String(RECHECK_SECONDS),
      AUTH_SESSION_MAX_AGE: "3600",
      AUTH_SESSION_ABSOLUTE_MAX_AGE: "7200",
      AUTH_SIGNIN_MAX_FAILURES: "1000",
    });
    userId = (await createUser(ctx.db, { email: "life@example.com", password })).id;
  });
  afterAll(() => ctx.cleanup());

  async function signedIn() {
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn("life@example.com", password);
    expect(await client.session()).toMatchObject({ user: { email: "life@example.com" } });
    return client;
  }

  it("ASVS 7.2.1/7.2.3 each sign-in issues a new session token (database: 256-bit, stored hashed)", async () => {
    const a = await signedIn();
    const b = await signedIn();
    expect(a.sessionCookie()).not.toBe(b.sessionCookie());
    const verify = createSessionStrategy(ctx.env, ctx.db).verify;
    const ids = await Promise.all(
      [a, b].map(async (client) => (await verify({ name: SALT, value: client.sessionCookie()! }))!.sessionId),
    );
    expect(new Set(ids).size).toBe(2);
    const rows = await ctx.db.session.findMany({ where: { id: { in: ids } } });
    expect(rows.map((row) => row.strategy)).toEqual([strategy, strategy]);
    // database: the row holds only the cookie's SHA-256; jwt: no token at all, the cookie names the row.
    const expected = strategy === "database" ? [a, b].map((c) => hashToken(c.sessionCookie()!)) : [null, null];
    expect(rows.map((row) => row.sessionToken).sort()).toEqual(expected.sort());
    await a.signOut();
    await b.signOut();
  });

  it("ASVS 7.3.1 idle timeout: a session past its idle expiry is signed out and its record removed", async () => {
    const client = await signedIn();
    await ctx.db.session.updateMany({ where: { userId }, data: { expires: new Date(Date.now() - 1000) } });
    pastRecheckWindow(); // JWT: the row's expiry is read at the recheck (no effect on database sessions)
    expect(await client.session()).toBeNull();
    expect(await ctx.db.session.count({ where: { userId } })).toBe(0);
  });

  it.runIf(strategy === "jwt")("ASVS 7.3.1 idle timeout: a JWT past its own exp is refused", async () => {
    const expired = await encode({
      token: { sub: userId, email: "life@example.com" },
      maxAge: -20,
      secret: TEST_SECRET,
      salt: SALT,
    });
    const forged = new AuthClient(ctx.env, ctx.db);
    forged.cookies.set(SALT, expired);
    expect(await forged.session()).toBeNull();
  });

  it.runIf(strategy === "jwt")(
    "ASVS 7.3.1 idle timeout is exact: a JWT works 1 s before its exp and not 1 s after (Auth.js alone allows 15 s)",
    async () => {
      const client = await signedIn();
      const copied = client.sessionCookie()!;
      const { exp } = (await decode({ token: copied, secret: TEST_SECRET, salt: SALT }))!;
      const verify = createSessionStrategy(ctx.env, ctx.db).verify;

      passTime(exp! * 1000 - 1000 - Date.now());
      expect(await verify({ name: SALT, value: copied })).not.toBeNull();
      expect(await client.session()).not.toBeNull(); // the browser's own cookie is re-issued, the row slides

      passTime(2000);
      // The copy left idle is past its exp while its session is still in use (and re-checked just now).
      expect(await verify({ name: SALT, value: copied })).toBeNull();
      const idle = new AuthClient(ctx.env, ctx.db);
      idle.cookies.set(SALT, copied);
      expect(await idle.session()).toBeNull();
      expect(await client.session()).not.toBeNull();
      await client.signOut();
    },
  );

  it.runIf(strategy === "database")(
    "ASVS 7.3.2 absolute lifetime: a session older than AUTH_SESSION_ABSOLUTE_MAX_AGE ends even when active",
    async () => {
      const client = await signedIn();
      await ctx.db.session.updateMany({ where: { userId }, data: { createdAt: new Date(Date.now() - 7201 * 1000) } });
      expect(await client.session()).toBeNull();
      expect(await ctx.db.session.count({ where: { userId } })).toBe(0);
    },
  );

  it.runIf(strategy === "jwt")(
    "ASVS 7.3.2 absolute lifetime: a session older than AUTH_SESSION_ABSOLUTE_MAX_AGE ends even when active",
    async () => {
      const client = await signedIn();
      // Re-encode the real token with a sign-in time beyond the limit (the server's key, so only the claim differs).
      const token = await decode({ token: client.sessionCookie()!, secret: TEST_SECRET, salt: SALT });
      const old = await encode({
        token: { ...token, authTime: Math.floor(Date.now() / 1000) - 7201 },
        secret: TEST_SECRET,
        salt: SALT,
      });
      client.cookies.set(SALT, old);
      expect(await client.session()).toBeNull();
      expect(await ctx.db.session.count({ where: { id: token!.sid as string } })).toBe(0);
    },
  );

  it("ASVS 7.4.1 revocation: deleting the session record ends the session (JWT: within the recheck window)", async () => {
    const client = await signedIn();
    await ctx.db.session.deleteMany({ where: { userId } });
    if (strategy === "jwt") {
      // Stateless until the window passes: this is the documented bound, AUTH_JWT_RECHECK_SECONDS.
      expect(await client.session()).not.toBeNull();
      pastRecheckWindow();
    }
    expect(await client.session()).toBeNull();
  });

  it("ASVS 8.3.2 role and permission changes reach the session (JWT: within the recheck window)", async () => {
    const client = await signedIn();
    await ctx.db.user.update({ where: { id: userId }, data: { roleName: "admin" } });
    try {
      if (strategy === "jwt") {
        expect(await client.session()).toMatchObject({ user: { role: "user" } });
        pastRecheckWindow();
      }
      expect(await client.session()).toMatchObject({
        user: { role: "admin", permissions: expect.arrayContaining(["users:read"]) },
      });
    } finally {
      await ctx.db.user.update({ where: { id: userId }, data: { roleName: "user" } });
    }
  });

  it("ASVS 7.4.2 a disabled user is signed out and cannot sign in", async () => {
    const client = await signedIn();
    await ctx.db.user.update({ where: { id: userId }, data: { active: false } });
    try {
      pastRecheckWindow(); // past the JWT recheck window (no effect on database sessions)
      expect(await client.session()).toBeNull();
      const again = new AuthClient(ctx.env, ctx.db);
      const response = await again.signIn("life@example.com", password);
      expect(response.headers.get("location")).toContain("error=CredentialsSignin");
      expect(again.sessionCookie()).toBeUndefined();
    } finally {
      await ctx.db.user.update({ where: { id: userId }, data: { active: true } });
    }
  });

  it("ASVS 7.4.1 sign-out ends the session record", async () => {
    const other = await signedIn();
    const client = await signedIn();
    const records = () => ctx.db.session.count({ where: { userId } });
    const before = await records();
    await client.signOut();
    expect(client.sessionCookie()).toBeUndefined();
    expect(await records()).toBe(before - 1);
    expect(await other.session()).not.toBeNull(); // only this browser's session ended
  });
});

describe("forged JWTs are rejected (ASVS 9.1.1)", () => {
  let ctx: TestContext;
  let userId: string;
  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_SESSION_STRATEGY: "jwt" });
    userId = (await createUser(ctx.db, { email: "forge@example.com", role: "admin" })).id;
  });
  afterAll(() => ctx.cleanup());

  // A well-shaped sid, so each forgery below is refused for the reason its test names, not for its shape.
  const claims = (sid = randomBytes(16).toString("base64url")) => ({
    sub: userId,
    email: "forge@example.com",
    role: "admin",
    permissions: ["users:read"],
    sid,
    authTime: Math.floor(Date.now() / 1000),
    claimsCheckedAt: Math.floor(Date.now() / 1000),
  });

  /** A live JWT Session row, as a sign-in would leave it: its id is the token's sid. */
  async function liveSid(): Promise<string> {
    const sid = randomBytes(16).toString("base64url");
    await ctx.db.session.create({
      data: { id: sid, strategy: "jwt", userId, expires: new Date(Date.now() + 3_600_000) },
    });
    return sid;
  }

  async function sessionWith(cookie: string) {
    const client = new AuthClient(ctx.env, ctx.db);
    client.cookies.set(SALT, cookie);
    return client.session();
  }

  it("wrong key", async () => {
    const token = await encode({
      token: claims(),
      secret: "another-secret-that-is-long-enough-0123456789",
      salt: SALT,
    });
    expect(await sessionWith(token)).toBeNull();
  });

  it("alg: none (unsigned JWS instead of a JWE)", async () => {
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
    expect(await sessionWith(`${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`)).toBeNull();
  });

  it("tampered ciphertext", async () => {
    const token = await encode({ token: claims(), secret: TEST_SECRET, salt: SALT });
    const parts = token.split(".");
    const c = parts[3];
    parts[3] = (c[0] === "A" ? "B" : "A") + c.slice(1);
    expect(await sessionWith(parts.join("."))).toBeNull();
  });

  it("expired (beyond Auth.js's 15 s clock tolerance), for a live session record", async () => {
    const sid = await liveSid();
    const live = await encode({ token: claims(sid), secret: TEST_SECRET, salt: SALT });
    expect(await sessionWith(live)).toMatchObject({ user: { email: "forge@example.com" } }); // the control
    const token = await encode({ token: claims(sid), maxAge: -20, secret: TEST_SECRET, salt: SALT });
    expect(await sessionWith(token)).toBeNull();
  });

  it("validly encrypted but without a session record is rejected at the first recheck", async () => {
    const withRow = { ...claims(await liveSid()), claimsCheckedAt: 0 };
    const control = await encode({ token: withRow, secret: TEST_SECRET, salt: SALT });
    expect(await sessionWith(control)).toMatchObject({ user: { email: "forge@example.com" } });
    const token = await encode({ token: { ...claims(), claimsCheckedAt: 0 }, secret: TEST_SECRET, salt: SALT });
    expect(await sessionWith(token)).toBeNull();
  });
});

describe.each(["database", "jwt"] as const)("sliding idle expiry, %s strategy", (strategy) => {
  let ctx: TestContext;
  const email = "slide@example.com";
  const password = "correct-horse-battery";
  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_SESSION_STRATEGY: strategy,
      AUTH_SESSION_MAX_AGE: "3600",
      AUTH_SESSION_UPDATE_AGE: "600",
      AUTH_JWT_RECHECK_SECONDS: String(RECHECK_SECONDS),
    });
    await createUser(ctx.db, { email, password });
  });
  afterAll(() => ctx.cleanup());

  it("ASVS 7.3.1 a session used after the update age gets a later expiry and outlives its first one", async () => {
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn(email, password);
    const expiryOf = async () => (await ctx.db.session.findFirstOrThrow({ where: { user: { email } } })).expires;
    const first = await expiryOf();
    passTime(700_000);
    expect(await client.session()).not.toBeNull(); // used past the update age: the expiry moves
    expect((await expiryOf()).getTime()).toBeGreaterThan(first.getTime() + 600_000);
    passTime(3_000_000); // past the first expiry, within the new one
    expect(await client.session()).toMatchObject({ user: { email } });
  });

  it.runIf(strategy === "database")(
    "the app's own check (DAL, proxy) slides a database session the same way",
    async () => {
      const client = new AuthClient(ctx.env, ctx.db);
      await client.signIn(email, password);
      const cookie = { name: PLAIN_SESSION_COOKIE, value: client.sessionCookie()! };
      const verify = createSessionStrategy(ctx.env, ctx.db).verify;
      const first = (await verify(cookie))!.session.expires;
      passTime(700_000);
      expect(new Date((await verify(cookie))!.session.expires).getTime()).toBeGreaterThan(
        new Date(first).getTime() + 600_000,
      );
      passTime(3_000_000);
      expect(await verify(cookie)).not.toBeNull();
    },
  );
});
