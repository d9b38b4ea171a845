import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { encode, decode } from "next-auth/jwt";
import { createSessionVerifier } from "../../lib/auth/session-verifier";
import { clearJwtCheckCache } from "../../lib/auth/session-strategy";
import { AuthClient } from "../support/auth-client";
import { createTestContext, TEST_SECRET, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// The DAL's fast path must accept and reject exactly the cookies Auth.js's own session endpoint does.
const NAME = "authjs.session-token";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    const verify = createSessionVerifier(ctx.env, ctx.db);
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
      await ctx.db.jwtSession.deleteMany({ where: { userId } });
      await sleep(1100); // past the recheck window: both must now ask the database
      expect(await bothSay(revoked)).toBe("rejected");
    }
    const disabledCookie = await freshCookie();
    await ctx.db.user.update({ where: { id: userId }, data: { active: false } });
    try {
      clearJwtCheckCache();
      if (strategy === "jwt") await sleep(1100);
      expect(await bothSay(disabledCookie)).toBe("rejected");
    } finally {
      await ctx.db.user.update({ where: { id: userId }, data: { active: true } });
    }
  });

  it("a role change: both see the new role (JWT: after the recheck window)", async () => {
    const cookie = await freshCookie();
    await ctx.db.user.update({ where: { id: userId }, data: { roleName: "user" } });
    try {
      if (strategy === "jwt") await sleep(1100);
      const verify = createSessionVerifier(ctx.env, ctx.db);
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
    const verify = createSessionVerifier(ctx.env, ctx.db);
    expect(await verify({ name: NAME, value: shortLived })).not.toBeNull();
    expect(await verify({ name: NAME, value: shortLived })).not.toBeNull(); // from the memo

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 50_000 }); // past exp + Auth.js's 15 s tolerance
    expect(await decode({ token: shortLived, secret: TEST_SECRET, salt: NAME }).catch(() => null)).toBeNull();
    expect(await verify({ name: NAME, value: shortLived })).toBeNull();
  });

  it("a tampered copy or the same value under another cookie name is rejected after the original was accepted", async () => {
    const cookie = await freshCookie();
    const verify = createSessionVerifier(ctx.env, ctx.db);
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
    const verify = createSessionVerifier(ctx.env, ctx.db);
    expect(await verify({ name: NAME, value: cookie })).not.toBeNull();
    await ctx.db.jwtSession.deleteMany({ where: { userId } });
    await sleep(1100);
    expect(await verify({ name: NAME, value: cookie })).toBeNull();

    const other = await freshCookie();
    expect(await verify({ name: NAME, value: other })).not.toBeNull();
    await ctx.db.user.update({ where: { id: userId }, data: { active: false } });
    try {
      await sleep(1100);
      expect(await verify({ name: NAME, value: other })).toBeNull();
    } finally {
      await ctx.db.user.update({ where: { id: userId }, data: { active: true } });
    }
  });
});
