import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  activeSessionRules,
  listActiveSessions,
  purgeExpiredSessions,
  purgeRules,
  revokeSession,
  revokeUserSessions,
} from "../../lib/auth/session-admin";
import { parseEnv } from "../../lib/env";
import { createTestContext, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const WEEK_SECONDS = 7 * 24 * 60 * 60;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs);

describe("session administration", () => {
  let ctx: TestContext;
  let alice: string;
  let bob: string;
  let carol: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    alice = (await createUser(ctx.db, { email: "alice@example.com", role: "admin" })).id;
    bob = (await createUser(ctx.db, { email: "bob@example.com" })).id;
    carol = (await createUser(ctx.db, { email: "carol@example.com" })).id;
    await ctx.db.user.update({ where: { id: carol }, data: { active: false } });
  });
  afterAll(() => ctx.cleanup());

  beforeEach(async () => {
    await ctx.db.session.deleteMany();
    await ctx.db.verificationToken.deleteMany();
  });

  async function databaseSession(
    id: string,
    userId: string,
    data: { expires?: Date; createdAt?: Date; lastSeenAt?: Date } = {},
  ) {
    await ctx.db.session.create({
      data: {
        id,
        sessionToken: `hash-of-${id}`,
        userId,
        expires: at(DAY),
        userAgent: `agent ${id}`,
        ip: "10.0.0.1",
        ...data,
      },
    });
  }
  async function jwtSession(
    id: string,
    userId: string,
    data: { expires?: Date; createdAt?: Date; lastSeenAt?: Date } = {},
  ) {
    await ctx.db.session.create({ data: { id, strategy: "jwt", userId, expires: at(DAY), ...data } });
  }

  it("lists sessions that would still authenticate, of both strategies, newest activity first, without token hashes", async () => {
    await databaseSession("a-db", alice, { lastSeenAt: at(-3 * HOUR) });
    await jwtSession("a-jwt", alice, { lastSeenAt: at(-1 * HOUR) });
    await databaseSession("a-expired", alice, { expires: at(-1000) });
    await jwtSession("a-jwt-expired", alice, { expires: at(-1000) });
    await databaseSession("b-old", bob, { createdAt: at(-8 * DAY), lastSeenAt: at(-2 * HOUR) });
    await databaseSession("c-disabled", carol);

    const withoutLifetime = await listActiveSessions(ctx.db);
    expect(withoutLifetime.map((s) => s.id)).toEqual(["a-jwt", "b-old", "a-db"]);

    const sessions = await listActiveSessions(ctx.db, { absoluteMaxAgeSeconds: WEEK_SECONDS });
    expect(sessions.map((s) => [s.id, s.strategy, s.userEmail])).toEqual([
      ["a-jwt", "jwt", "alice@example.com"],
      ["a-db", "database", "alice@example.com"],
    ]);
    expect(Object.keys(sessions[1]).sort()).toEqual([
      "createdAt",
      "expires",
      "id",
      "ip",
      "lastSeenAt",
      "strategy",
      "userAgent",
      "userEmail",
      "userId",
    ]);
    expect(sessions[1]).toMatchObject({ userId: alice, userAgent: "agent a-db", ip: "10.0.0.1" });
    expect(JSON.stringify(withoutLifetime)).not.toContain("hash-of-");

    expect((await listActiveSessions(ctx.db, { userId: bob })).map((s) => s.id)).toEqual(["b-old"]);
    expect(await listActiveSessions(ctx.db, { userId: carol })).toEqual([]);
  });

  it("lists only the sessions of the strategy in use when given the deployment's rules", async () => {
    await databaseSession("a-db", alice, { lastSeenAt: at(-3 * HOUR) });
    await jwtSession("a-jwt", alice, { lastSeenAt: at(-1 * HOUR) });
    const rules = (strategy: "database" | "jwt") =>
      activeSessionRules({ AUTH_SESSION_STRATEGY: strategy, AUTH_SESSION_ABSOLUTE_MAX_AGE: WEEK_SECONDS });

    expect((await listActiveSessions(ctx.db, rules("database"))).map((s) => s.id)).toEqual(["a-db"]);
    expect((await listActiveSessions(ctx.db, { ...rules("jwt"), userId: alice })).map((s) => s.id)).toEqual(["a-jwt"]);
  });

  it("revokes one session of either strategy by id, and reports unknown ids", async () => {
    await databaseSession("a-db", alice);
    await jwtSession("a-jwt", alice);
    await databaseSession("b-db", bob);

    expect(await revokeSession(ctx.db, "a-db")).toBe(true);
    expect(await revokeSession(ctx.db, "a-jwt")).toBe(true);
    expect(await revokeSession(ctx.db, "a-db")).toBe(false);
    expect(await revokeSession(ctx.db, "no-such-session")).toBe(false);
    expect(await ctx.db.session.findMany({ select: { id: true } })).toEqual([{ id: "b-db" }]);
  });

  it("revokes all of a user's sessions, optionally keeping one", async () => {
    await databaseSession("a-1", alice);
    await databaseSession("a-2", alice);
    await jwtSession("a-jwt", alice);
    await databaseSession("b-1", bob);

    expect(await revokeUserSessions(ctx.db, alice, { exceptId: "a-2" })).toBe(2);
    expect((await ctx.db.session.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((s) => s.id)).toEqual([
      "a-2",
      "b-1",
    ]);

    expect(await revokeUserSessions(ctx.db, alice)).toBe(1);
    expect((await ctx.db.session.findMany({ select: { id: true } })).map((s) => s.id)).toEqual(["b-1"]);
  });

  it("purges 2,500 expired sessions in batches and leaves active ones alone", async () => {
    const expired = Array.from({ length: 2500 }, (_, i) => ({
      id: `expired-${String(i).padStart(4, "0")}`,
      sessionToken: `expired-hash-${i}`,
      userId: i % 2 ? alice : bob,
      expires: at(-DAY - i * 1000),
    }));
    for (let i = 0; i < expired.length; i += 500) await ctx.db.session.createMany({ data: expired.slice(i, i + 500) });
    await ctx.db.session.createMany({
      data: Array.from({ length: 150 }, (_, i) => ({
        id: `expired-jwt-${i}`,
        strategy: "jwt",
        userId: alice,
        expires: at(-HOUR),
      })),
    });
    await ctx.db.verificationToken.createMany({
      data: [
        { identifier: "alice@example.com", token: "old-1", expires: at(-HOUR) },
        { identifier: "bob@example.com", token: "old-2", expires: at(-HOUR) },
        { identifier: "bob@example.com", token: "fresh", expires: at(HOUR) },
      ],
    });
    const link = (purpose: string, tokenHash: string, expires: Date, usedAt: Date | null = null) => ({
      purpose,
      tokenHash,
      userId: bob,
      email: "bob@example.com",
      expires,
      usedAt,
    });
    await ctx.db.emailToken.createMany({
      data: [
        link("verify-email", "expired-link", at(-HOUR)),
        link("reset-password", "used-link", at(HOUR), at(-1000)),
        link("reset-password", "pending-link", at(HOUR)),
      ],
    });
    await databaseSession("active-1", alice);
    await databaseSession("active-2", bob, { expires: at(1000 * 60) });
    await jwtSession("active-jwt", alice);

    const batches: [string, number][] = [];
    const result = await purgeExpiredSessions(ctx.db, {
      batchSize: 1000,
      onBatch: (table, deleted) => batches.push([table, deleted]),
    });

    expect(result).toEqual({
      unconfirmedAccounts: 0,
      sessions: 2650,
      verificationTokens: 2,
      emailTokens: 2,
      sessionData: 0,
    });
    expect(batches).toEqual([
      ["sessions", 1000],
      ["sessions", 1000],
      ["sessions", 650],
      ["verificationTokens", 2],
      ["emailTokens", 2],
    ]);
    expect((await ctx.db.session.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((s) => s.id)).toEqual([
      "active-1",
      "active-2",
      "active-jwt",
    ]);
    expect(await ctx.db.verificationToken.findMany({ select: { token: true } })).toEqual([{ token: "fresh" }]);
    expect(await ctx.db.emailToken.findMany({ select: { tokenHash: true } })).toEqual([{ tokenHash: "pending-link" }]);

    expect(await purgeExpiredSessions(ctx.db)).toEqual({
      unconfirmedAccounts: 0,
      sessions: 0,
      verificationTokens: 0,
      emailTokens: 0,
      sessionData: 0,
    });
  });

  it("purges correctly while SQLite runs in WAL mode (the purge checkpoints the log between batches)", async () => {
    if (ctx.env.databaseProvider !== "sqlite") return; // PostgreSQL has no journal mode; the test above covers it
    expect(await ctx.db.$queryRawUnsafe("PRAGMA journal_mode = WAL")).toEqual([{ journal_mode: "wal" }]);
    const expired = Array.from({ length: 1200 }, (_, i) => ({
      id: `wal-${String(i).padStart(4, "0")}`,
      sessionToken: `wal-hash-${i}`,
      userId: alice,
      expires: at(-HOUR),
    }));
    await ctx.db.session.createMany({ data: expired });
    await databaseSession("wal-active", bob);
    const batches: number[] = [];
    const result = await purgeExpiredSessions(ctx.db, {
      batchSize: 250,
      pauseMs: 0,
      onBatch: (table, deleted) => table === "sessions" && batches.push(deleted),
    });
    expect(result.sessions).toBe(1200);
    expect(batches).toEqual([250, 250, 250, 250, 200]);
    expect((await ctx.db.session.findMany({ select: { id: true } })).map((s) => s.id)).toEqual(["wal-active"]);
  });

  it("also purges sessions past the absolute lifetime when given one, and handles batches that end exactly", async () => {
    await databaseSession("old", alice, { createdAt: at(-8 * DAY) });
    await jwtSession("old-jwt", alice, { createdAt: at(-8 * DAY) });
    await databaseSession("expired", bob, { expires: at(-1000) });
    await databaseSession("fresh", bob);

    expect(await purgeExpiredSessions(ctx.db)).toEqual({
      unconfirmedAccounts: 0,
      sessions: 1,
      verificationTokens: 0,
      emailTokens: 0,
      sessionData: 0,
    });
    const batches: number[] = [];
    const result = await purgeExpiredSessions(ctx.db, {
      absoluteMaxAgeSeconds: WEEK_SECONDS,
      batchSize: 1,
      onBatch: (table, deleted) => table === "sessions" && batches.push(deleted),
    });
    expect(result).toEqual({
      unconfirmedAccounts: 0,
      sessions: 2,
      verificationTokens: 0,
      emailTokens: 0,
      sessionData: 0,
    });
    expect(batches).toEqual([1, 1]);
    expect((await ctx.db.session.findMany({ select: { id: true } })).map((s) => s.id)).toEqual(["fresh"]);
  });

  it("deletes accounts never confirmed and never signed in once AUTH_UNCONFIRMED_ACCOUNT_DAYS old, and no other", async () => {
    const account = async (email: string, { verified = false, daysOld = 8, active = true } = {}) => {
      const { id } = await createUser(ctx.db, { email, verified });
      await ctx.db.user.update({ where: { id }, data: { createdAt: at(-daysOld * DAY), active } });
      return id;
    };
    const link = (userId: string, tokenHash: string, expires: Date) =>
      ctx.db.emailToken.create({
        data: { purpose: "verify-email", tokenHash, userId, email: "x@example.com", expires },
      });
    const gone = await account("never-confirmed@example.com");
    await link(await account("link-expired@example.com"), "unconfirmed-expired-link", at(-HOUR));
    await account("almost-7-days@example.com", { daysOld: 6.9 });
    // users:create, the seed and accounts from before confirmation existed all count as confirmed.
    await account("confirmed@example.com", { verified: true, daysOld: 400 });
    // A session row of either strategy, even an expired one, shows a sign-in (from AUTH_EMAIL_VERIFICATION=optional).
    await databaseSession("unconfirmed-signed-in", await account("signed-in@example.com"), { expires: at(-HOUR) });
    await jwtSession("unconfirmed-jwt", await account("signed-in-jwt@example.com"));
    await account("disabled@example.com", { active: false });
    // A link asked for again (or not yet expired) may still confirm the account.
    await link(await account("link-pending@example.com"), "unconfirmed-pending-link", at(HOUR));
    const emails = async () => (await ctx.db.user.findMany({ select: { email: true } })).map((u) => u.email).sort();
    const before = await emails();

    const batches: number[] = [];
    const result = await purgeExpiredSessions(ctx.db, {
      unconfirmedAccountDays: 7,
      batchSize: 1,
      onBatch: (table, deleted) => table === "unconfirmedAccounts" && batches.push(deleted),
    });
    expect(result.unconfirmedAccounts).toBe(2);
    expect(batches).toEqual([1, 1]);
    const deleted = ["link-expired@example.com", "never-confirmed@example.com"];
    expect(await emails()).toEqual(before.filter((email) => !deleted.includes(email)));
    expect(await ctx.db.emailToken.count({ where: { userId: gone } })).toBe(0);

    // Without the setting (confirmation optional or off: purgeRules) no account goes.
    await account("never-confirmed-2@example.com");
    expect((await purgeExpiredSessions(ctx.db)).unconfirmedAccounts).toBe(0);
    expect(await emails()).toContain("never-confirmed-2@example.com");
    await expect(purgeExpiredSessions(ctx.db, { unconfirmedAccountDays: 0 })).rejects.toThrow(RangeError);
  });

  it("purgeRules deletes unconfirmed accounts only when confirming is required, after 7 days unless set", () => {
    const rules = (vars: Record<string, string>) => purgeRules(parseEnv({ NODE_ENV: "test", ...vars }));
    expect(rules({})).toEqual({ absoluteMaxAgeSeconds: WEEK_SECONDS, unconfirmedAccountDays: 7 });
    expect(rules({ AUTH_UNCONFIRMED_ACCOUNT_DAYS: "30" }).unconfirmedAccountDays).toBe(30);
    expect(rules({ AUTH_EMAIL_VERIFICATION: "optional" }).unconfirmedAccountDays).toBeUndefined();
    expect(rules({ AUTH_EMAIL_VERIFICATION: "off" }).unconfirmedAccountDays).toBeUndefined();
    expect(() => rules({ AUTH_UNCONFIRMED_ACCOUNT_DAYS: "0" })).toThrow(/AUTH_UNCONFIRMED_ACCOUNT_DAYS/);
  });

  it("refuses a batch size that is not a positive integer", async () => {
    await expect(purgeExpiredSessions(ctx.db, { batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(purgeExpiredSessions(ctx.db, { batchSize: 2.5 })).rejects.toThrow(/positive integer/);
    await expect(purgeExpiredSessions(ctx.db, { pauseMs: -1 })).rejects.toThrow(/pauseMs must be zero or more/);
    await expect(purgeExpiredSessions(ctx.db, { pauseMs: Number.NaN })).rejects.toThrow(RangeError);
  });
});
