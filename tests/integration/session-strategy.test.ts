import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { encode, decode } from "next-auth/jwt";
import { createSessionStrategy } from "../../lib/auth/strategy";
import { clearJwtCheckCache } from "../../lib/auth/strategy/jwt";
import { AuthClient } from "../support/auth-client";
import { createTestContext, TEST_SECRET, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";
import { PLAIN_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import { passTime } from "../support/clock";

// The DAL's fast path must accept and reject exactly the cookies Auth.js's own session endpoint does.
const NAME = PLAIN_SESSION_COOKIE;

describe.each(["database", "jwt"] as const)("fast session check agrees with Auth.js, %s strategy", (strategy) => {
  let ctx: TestContext;
  let userId: string;
  const password = "correct-horse-battery";

  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_SESSION_STRATEGY: strategy,
      AUTH_JWT_RECHECK_SECONDS: "1",
      AUTH_SESSION_ABSOLUTE_MAX_AGE: "7200",
    });
    userId = (await createUser(ctx.db, { email: "fast@example.com", password, role: "admin" })).id;
  });
  afterAll(() => ctx.cleanup());

  async function freshCookie(): Promise<string> {
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn("fast@example.com", password);
    return client.sessionCookie()!;
  }

  /** Verifier first (read-only decision), then Auth.js on the same cookie; both must agree. */
  async function bothSay(cookie: string): Promise<"accepted" | "rejected"> {
    const verify = createSessionStrategy(ctx.env, ctx.db).verify;
    const fast = await verify({ name: NAME, value: cookie });
    const client = new AuthClient(ctx.env, ctx.db);
    client.cookies.set(NAME, cookie);
    const official = await client.session();
    expect(fast === null).toBe(official === null);
    if (fast && official) expect(fast.session.user).toEqual(official.user);
    return fast ? "accepted" : "rejected";
  }

  it("a fresh session: accepted with identical claims", async () => {
    expect(await bothSay(await freshCookie())).toBe("accepted");
  });

  it("garbage, truncated, tampered and oversized cookies: rejected", async () => {
    const good = await freshCookie();
    const flipped = good.slice(0, 20) + (good[20] === "A" ? "B" : "A") + good.slice(21);
    for (const bad of [
      "",
      "x",
      "null",
      good.slice(0, -3),
      flipped,
      good + "A",
      "A".repeat(20_000),
      "3b241101-e2bb-4255-8caf-4136c566a962",
    ]) {
      expect(await bothSay(bad)).toBe("rejected");
    }
  });

  it("expired, past the absolute lifetime, revoked or disabled: rejected", async () => {
    if (strategy === "database") {
      let cookie = await freshCookie();
      await ctx.db.session.updateMany({ where: { userId }, data: { expires: new Date(Date.now() - 1000) } });
      expect(await bothSay(cookie)).toBe("rejected");

      cookie = await freshCookie();
      await ctx.db.session.updateMany({ where: { userId }, data: { createdAt: new Date(Date.now() - 7201_000) } });
      expect(await bothSay(cookie)).toBe("rejected");

      cookie = await freshCookie();
      await ctx.db.session.deleteMany({ where: { userId } });
      expect(await bothSay(cookie)).toBe("rejected");
    } else {
      const cookie = await freshCookie();
      const token = (await decode({ token: cookie, secret: TEST_SECRET, salt: NAME }))!;
      const expired = await encode({ token, maxAge: -20, secret: TEST_SECRET, salt: NAME });
      expect(await bothSay(expired)).toBe("rejected");
      const tooOld = await encode({
        token: { ...token, authTime: Math.floor(Date.now() / 1000) - 7201 },
        secret: TEST_SECRET,
        salt: NAME,
      });
      expect(await bothSay(tooOld)).toBe("rejected");
      const wrongKey = await encode({ token, secret: "some-other-secret-that-is-long-enough-0123456789", salt: NAME });
      expect(await bothSay(wrongKey)).toBe("rejected");

      const revoked = await freshCookie();
      await ctx.db.session.deleteMany({ where: { userId } });
      passTime(1100); // past the recheck window: both must now ask the database
      expect(await bothSay(revoked)).toBe("rejected");
    }
    const disabledCookie = await freshCookie();
    await ctx.db.user.update({ where: { id: userId }, data: { active: false } });
    try {
      clearJwtCheckCache();
      passTime(1100); // past the JWT recheck window (no effect on database sessions)
      expect(await bothSay(disabledCookie)).toBe("rejected");
    } finally {
      await ctx.db.user.update({ where: { id: userId }, data: { active: true } });
    }
  });

  it("a role change: both see the new role (JWT: after the recheck window)", async () => {
    const cookie = await freshCookie();
    await ctx.db.user.update({ where: { id: userId }, data: { roleName: "user" } });
    try {
      passTime(1100); // past the JWT recheck window (no effect on database sessions)
      const verify = createSessionStrategy(ctx.env, ctx.db).verify;
      expect((await verify({ name: NAME, value: cookie }))?.session.user.role).toBe("user");
      expect(await bothSay(cookie)).toBe("accepted");
    } finally {
      await ctx.db.user.update({ where: { id: userId }, data: { roleName: "admin" } });
    }
  });
});

// In JWT mode one verifier (the DAL's, per instance) decrypts a cookie value once and remembers the result.
// A remembered cookie must still be rejected whenever a fresh decryption would be, on the same verifier.
describe("one JWT verifier seeing the same cookie again (decrypted-cookie memo)", () => {
  let ctx: TestContext;
  let userId: string;
  const password = "correct-horse-battery";

  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_SESSION_STRATEGY: "jwt", AUTH_JWT_RECHECK_SECONDS: "1" });
    userId = (await createUser(ctx.db, { email: "memo@example.com", password, role: "admin" })).id;
  });
  afterAll(() => ctx.cleanup());
  afterEach(() => vi.useRealTimers());

  async function freshCookie(): Promise<string> {
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn("memo@example.com", password);
    return client.sessionCookie()!;
  }

  it("an accepted cookie is rejected once it expires, on the same verifier, as Auth.js rejects it", async () => {
    const token = (await decode({ token: await freshCookie(), secret: TEST_SECRET, salt: NAME }))!;
    const shortLived = await encode({ token, maxAge: 30, secret: TEST_SECRET, salt: NAME });
    const verify = createSessionStrategy(ctx.env, ctx.db).verify;
    expect(await verify({ name: NAME, value: shortLived })).not.toBeNull();
    expect(await verify({ name: NAME, value: shortLived })).not.toBeNull(); // from the memo

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 50_000 }); // past exp + Auth.js's 15 s tolerance
    expect(await decode({ token: shortLived, secret: TEST_SECRET, salt: NAME }).catch(() => null)).toBeNull();
    expect(await verify({ name: NAME, value: shortLived })).toBeNull();
  });

  it("a tampered copy or the same value under another cookie name is rejected after the original was accepted", async () => {
    const cookie = await freshCookie();
    const verify = createSessionStrategy(ctx.env, ctx.db).verify;
    expect(await verify({ name: NAME, value: cookie })).not.toBeNull();
    for (const at of [0, 40, Math.floor(cookie.length / 2), cookie.length - 2]) {
      const flipped = cookie.slice(0, at) + (cookie[at] === "A" ? "B" : "A") + cookie.slice(at + 1);
      expect(await verify({ name: NAME, value: flipped })).toBeNull();
    }
    expect(await verify({ name: NAME, value: cookie + "A" })).toBeNull();
    // Another name is another key (the cookie name is Auth.js's key-derivation salt).
    expect(await verify({ name: "__Secure-authjs.session-token", value: cookie })).toBeNull();
    expect(await verify({ name: NAME, value: cookie })).not.toBeNull();
  });

  it("revocation and disabling still apply to a remembered cookie within the recheck window", async () => {
    const cookie = await freshCookie();
    const verify = createSessionStrategy(ctx.env, ctx.db).verify;
    expect(await verify({ name: NAME, value: cookie })).not.toBeNull();
    await ctx.db.session.deleteMany({ where: { userId } });
    passTime(1100);
    expect(await verify({ name: NAME, value: cookie })).toBeNull();

    const other = await freshCookie();
    expect(await verify({ name: NAME, value: other })).not.toBeNull();
    await ctx.db.user.update({ where: { id: userId }, data: { active: false } });
    try {
      passTime(1100);
      expect(await verify({ name: NAME, value: other })).toBeNull();
    } finally {
      await ctx.db.user.update({ where: { id: userId }, data: { active: true } });
    }
  });
});

// One Session table holds rows of both strategies: a row is only ever accepted by the strategy that made it, and a
// check with `slide: false` (the browser's status polls) never extends a session.
describe("one Session table, two strategies", () => {
  let database: TestContext;
  let jwt: TestContext;
  let userId: string;
  const password = "correct-horse-battery";

  beforeAll(async () => {
    database = await createTestContext({ AUTH_SESSION_STRATEGY: "database" });
    // The same database file or server, read by the other strategy.
    jwt = await createTestContext({ AUTH_SESSION_STRATEGY: "jwt", DATABASE_URL: database.env.DATABASE_URL });
    userId = (await createUser(database.db, { email: "both@example.com", password })).id;
  });
  afterAll(async () => {
    await jwt.cleanup(); // drops only the unused copy it made; the shared database goes with `database`
    await database.cleanup();
  });

  async function signedInCookie(ctx: TestContext): Promise<string> {
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn("both@example.com", password);
    return client.sessionCookie()!;
  }

  it("each row says which strategy made it, and the other strategy refuses its cookie", async () => {
    const opaque = await signedInCookie(database);
    const encrypted = await signedInCookie(jwt);
    const rows = await database.db.session.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.strategy)).toEqual(["database", "jwt"]);

    const byDatabase = createSessionStrategy(database.env, database.db).verify;
    const byJwt = createSessionStrategy(jwt.env, jwt.db).verify;
    expect(await byDatabase({ name: NAME, value: opaque })).not.toBeNull();
    expect(await byJwt({ name: NAME, value: encrypted })).not.toBeNull();
    expect(await byDatabase({ name: NAME, value: encrypted })).toBeNull();
    expect(await byJwt({ name: NAME, value: opaque })).toBeNull();
  });

  it("a JWT naming a database-strategy row is refused, even with a valid key", async () => {
    const token = (await decode({ token: await signedInCookie(jwt), secret: TEST_SECRET, salt: NAME }))!;
    const sid = "B".repeat(22);
    await database.db.session.create({
      data: {
        id: sid,
        strategy: "database",
        sessionToken: "a".repeat(64),
        userId,
        expires: new Date(Date.now() + 3_600_000),
      },
    });
    const forged = await encode({ token: { ...token, sid, claimsCheckedAt: 0 }, secret: TEST_SECRET, salt: NAME });
    expect(await createSessionStrategy(jwt.env, jwt.db).verify({ name: NAME, value: forged })).toBeNull();
  });

  it.each(["database", "jwt"] as const)("%s: a check with slide: false leaves the row's expiry alone", async (name) => {
    const ctx = name === "database" ? database : jwt;
    const cookie = await signedInCookie(ctx);
    const long = new Date(Date.now() - 2 * 24 * 3_600_000);
    await ctx.db.session.updateMany({ where: { userId, strategy: name }, data: { lastSeenAt: long } });
    const before = await ctx.db.session.findMany({ where: { userId, strategy: name }, select: { expires: true } });
    clearJwtCheckCache();
    // Past the JWT recheck window, so both strategies read (and could slide) the row.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + (ctx.env.AUTH_JWT_RECHECK_SECONDS + 1) * 1000 });
    try {
      const verify = createSessionStrategy(ctx.env, ctx.db).verify;
      expect(await verify({ name: NAME, value: cookie }, { slide: false })).not.toBeNull();
      expect(await ctx.db.session.findMany({ where: { userId, strategy: name }, select: { expires: true } })).toEqual(
        before,
      );
      clearJwtCheckCache();
      expect(await verify({ name: NAME, value: cookie })).not.toBeNull();
      const slid = await ctx.db.session.count({ where: { userId, strategy: name, lastSeenAt: { gt: long } } });
      expect(slid).toBeGreaterThan(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
