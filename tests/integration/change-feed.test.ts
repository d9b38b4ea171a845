import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAIN_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import { revokeSession, revokeUserSessions } from "../../lib/auth/session-admin";
import { createSessionStrategy, type SessionStrategy } from "../../lib/auth/strategy";
import {
  feedState,
  lastChangeFor,
  listenForChanges,
  stopListeningForChanges,
} from "../../lib/auth/strategy/change-feed";
import { seedRolesAndPermissions } from "../../lib/seed";
import { setUserActive, setUserRole } from "../../lib/users";
import { testProvider } from "../../harness/databases";
import { eventually } from "../../harness/eventually";
import { AuthClient } from "../support/auth-client";
import { createTestContext, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// A JWT session trusts its token for AUTH_JWT_RECHECK_SECONDS (five minutes here), unless a change to it, its user
// or its role was announced since: the app's own changes in-process, any change through PostgreSQL's triggers.
const provider = testProvider();
const password = "correct-horse-battery";

const eventuallyTrue = (check: () => Promise<boolean>) => eventually(check, (yes) => yes, 3_000);

describe(`JWT sessions hear about changes (${provider})`, () => {
  let ctx: TestContext;
  let strategy: SessionStrategy;
  let userId: string;
  let n = 0;

  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_SESSION_STRATEGY: "jwt", AUTH_JWT_RECHECK_SECONDS: "300" });
    strategy = createSessionStrategy(ctx.env, ctx.db);
    userId = (await createUser(ctx.db, { email: "feed@example.com", password })).id;
  });
  afterAll(async () => {
    await stopListeningForChanges();
    await ctx.cleanup();
  });

  /** A fresh sign-in's cookie, accepted once (so the check is cached, as on a busy instance). */
  async function signedInCookie() {
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn("feed@example.com", password);
    const cookie = { name: PLAIN_SESSION_COOKIE, value: client.sessionCookie()! };
    const verified = await strategy.verify(cookie);
    expect(verified).not.toBeNull();
    return { cookie, sessionId: verified!.sessionId, nth: n++ };
  }

  it("a session revoked by the app is refused on the next request, long before the recheck window", async () => {
    const { cookie, sessionId } = await signedInCookie();
    await revokeSession(ctx.db, sessionId);
    expect(await strategy.verify(cookie)).toBeNull();
  });

  it("'sign out everywhere' refuses every other session at once and keeps the one it spares", async () => {
    const kept = await signedInCookie();
    const ended = await signedInCookie();
    await revokeUserSessions(ctx.db, userId, { exceptId: kept.sessionId });
    expect(await strategy.verify(ended.cookie)).toBeNull();
    expect(await strategy.verify(kept.cookie)).not.toBeNull();
  });

  it("a role change by the app shows on the next request", async () => {
    const { cookie } = await signedInCookie();
    await setUserRole(ctx.db, userId, "admin");
    try {
      expect((await strategy.verify(cookie))?.session.user.role).toBe("admin");
    } finally {
      await setUserRole(ctx.db, userId, "user");
    }
  });

  it("a change made behind the app's back waits for the recheck window without the feed", async () => {
    const { cookie } = await signedInCookie();
    await ctx.db.user.update({ where: { id: userId }, data: { name: "Renamed" } });
    expect((await strategy.verify(cookie))?.session.user.name).not.toBe("Renamed");
  });

  it.runIf(provider === "postgresql")(
    "PostgreSQL: changes made with plain SQL reach the session through the feed",
    async () => {
      listenForChanges(ctx.env.DATABASE_URL);
      expect(await eventuallyTrue(async () => feedState() === "live")).toBe(true);
      const { cookie } = await signedInCookie();
      await ctx.db.$executeRawUnsafe(`UPDATE "User" SET "roleName" = 'admin' WHERE "id" = $1`, userId);
      expect(await eventuallyTrue(async () => (await strategy.verify(cookie))?.session.user.role === "admin")).toBe(
        true,
      );

      const other = await signedInCookie();
      await ctx.db.$executeRawUnsafe(`DELETE FROM "Session" WHERE "id" = $1`, other.sessionId);
      expect(await eventuallyTrue(async () => (await strategy.verify(other.cookie)) === null)).toBe(true);

      const disabled = await signedInCookie();
      await ctx.db.$executeRawUnsafe(`UPDATE "User" SET "active" = false WHERE "id" = $1`, userId);
      try {
        expect(await eventuallyTrue(async () => (await strategy.verify(disabled.cookie)) === null)).toBe(true);
      } finally {
        await ctx.db.user.update({ where: { id: userId }, data: { active: true, roleName: "user" } });
      }
    },
  );
});

// AUTH_DATABASE_SESSION_CACHE=on: a database session's lookup is remembered while the feed is live, so only an
// announcement (or this instance's own sign-out) makes it stale. Rows changed with triggers off, as a replica
// applies them, announce nothing: a session still accepted after that can only come from the cache.
describe.runIf(provider === "postgresql")("database sessions with the lookup cache (PostgreSQL)", () => {
  let ctx: TestContext;
  let strategy: SessionStrategy;
  let userId: string;

  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_SESSION_STRATEGY: "database", AUTH_DATABASE_SESSION_CACHE: "on" });
    strategy = createSessionStrategy(ctx.env, ctx.db);
    userId = (await createUser(ctx.db, { email: "cache@example.com", password })).id;
    listenForChanges(ctx.env.DATABASE_URL);
    expect(await eventuallyTrue(async () => feedState() === "live")).toBe(true);
  });
  afterAll(async () => {
    await stopListeningForChanges();
    await ctx.cleanup();
  });

  async function signedInCookie() {
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn("cache@example.com", password);
    const cookie = { name: PLAIN_SESSION_COOKIE, value: client.sessionCookie()! };
    const verified = await strategy.verify(cookie);
    expect(verified).not.toBeNull();
    return { cookie, sessionId: verified!.sessionId };
  }

  const quietly = (sql: string, ...values: unknown[]) =>
    ctx.db.$transaction([
      ctx.db.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`),
      ctx.db.$executeRawUnsafe(sql, ...values),
    ]);
  const announce = (change: object) =>
    ctx.db.$executeRawUnsafe(`SELECT pg_notify('auth_changes', $1)`, JSON.stringify(change));

  it("a remembered lookup is used until the session's change is announced, then the row is read again", async () => {
    const { cookie, sessionId } = await signedInCookie();
    await quietly(`DELETE FROM "Session" WHERE "id" = $1`, sessionId);
    expect(await strategy.verify(cookie)).not.toBeNull(); // the trade-off: no query on this request
    await announce({ kind: "session", id: sessionId });
    expect(await eventuallyTrue(async () => (await strategy.verify(cookie)) === null)).toBe(true);
  });

  it("changes made with SQL (triggers on) reach the next request: deleted session, new role, disabled user", async () => {
    const deleted = await signedInCookie();
    await ctx.db.$executeRawUnsafe(`DELETE FROM "Session" WHERE "id" = $1`, deleted.sessionId);
    expect(await eventuallyTrue(async () => (await strategy.verify(deleted.cookie)) === null)).toBe(true);

    const { cookie } = await signedInCookie();
    await ctx.db.$executeRawUnsafe(`UPDATE "User" SET "roleName" = 'admin' WHERE "id" = $1`, userId);
    expect(await eventuallyTrue(async () => (await strategy.verify(cookie))?.session.user.role === "admin")).toBe(true);
    await ctx.db.$executeRawUnsafe(`UPDATE "User" SET "active" = false WHERE "id" = $1`, userId);
    try {
      expect(await eventuallyTrue(async () => (await strategy.verify(cookie)) === null)).toBe(true);
    } finally {
      await ctx.db.user.update({ where: { id: userId }, data: { active: true, roleName: "user" } });
    }
  });

  it("this instance's own sign-out, revocation and disabling are refused at once, without waiting for the feed", async () => {
    const signedOut = await signedInCookie();
    await strategy.authConfig.adapter!.deleteSession!(signedOut.cookie.value);
    expect(await strategy.verify(signedOut.cookie)).toBeNull();

    const revoked = await signedInCookie();
    await revokeSession(ctx.db, revoked.sessionId);
    expect(await strategy.verify(revoked.cookie)).toBeNull();

    const disabled = await signedInCookie();
    await setUserActive(ctx.db, userId, false);
    try {
      expect(await strategy.verify(disabled.cookie)).toBeNull();
    } finally {
      await setUserActive(ctx.db, userId, true);
    }
  });

  it("while the feed is not listening, every request reads the database again", async () => {
    const { cookie, sessionId } = await signedInCookie();
    await stopListeningForChanges();
    expect(strategy.changeFeed()).toBe("in-process");
    await quietly(`DELETE FROM "Session" WHERE "id" = $1`, sessionId);
    expect(await strategy.verify(cookie)).toBeNull();
  });
});

// TRUNCATE fires no row trigger, and emptying "Session" is the natural "sign everyone out": statement-level
// triggers announce every truncation of an announced table as a change to everything.
describe.runIf(provider === "postgresql")("TRUNCATE of an announced table reaches JWT sessions (PostgreSQL)", () => {
  let ctx: TestContext;
  let strategy: SessionStrategy;
  const email = "truncate@example.com";

  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_SESSION_STRATEGY: "jwt", AUTH_JWT_RECHECK_SECONDS: "300" });
    strategy = createSessionStrategy(ctx.env, ctx.db);
    await createUser(ctx.db, { email, password, role: "admin" });
    listenForChanges(ctx.env.DATABASE_URL);
    expect(await eventuallyTrue(async () => feedState() === "live")).toBe(true);
  });
  afterAll(async () => {
    await stopListeningForChanges();
    await ctx.cleanup();
  });

  async function signedInCookie() {
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn(email, password);
    const cookie = { name: PLAIN_SESSION_COOKIE, value: client.sessionCookie()! };
    expect(await strategy.verify(cookie)).not.toBeNull(); // the check is now cached for the recheck window
    return cookie;
  }

  /** Runs `sql` and waits until the feed marks a check of a session, user and role nobody named as stale. */
  async function truncationHeard(sql: string) {
    const unnamed = () => lastChangeFor({ sessionId: "never-named", userId: "never-named", roles: [] });
    const before = unnamed();
    await ctx.db.$executeRawUnsafe(sql);
    return eventuallyTrue(async () => unnamed() > before);
  }

  it('TRUNCATE "Session" CASCADE (session data points at sessions) is heard and refuses a cached JWT session', async () => {
    const cookie = await signedInCookie();
    expect(await truncationHeard(`TRUNCATE "Session" CASCADE`)).toBe(true);
    expect(await strategy.verify(cookie)).toBeNull();
  });

  it('TRUNCATE "RolePermission" is heard and the next request has no permissions', async () => {
    const cookie = await signedInCookie();
    expect((await strategy.verify(cookie))?.session.user.permissions).not.toEqual([]);
    try {
      expect(await truncationHeard(`TRUNCATE "RolePermission"`)).toBe(true);
      expect((await strategy.verify(cookie))?.session.user.permissions).toEqual([]);
    } finally {
      await seedRolesAndPermissions(ctx.db);
    }
  });

  it('TRUNCATE "User" CASCADE (as an operator must: sessions point at users) is heard and refuses the session', async () => {
    const cookie = await signedInCookie();
    try {
      expect(await truncationHeard(`TRUNCATE "User" CASCADE`)).toBe(true);
      expect(await strategy.verify(cookie)).toBeNull();
    } finally {
      await createUser(ctx.db, { email, password, role: "admin" });
    }
  });
});
