import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PLAIN_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import { createSessionStrategy } from "../../lib/auth/strategy";
import { purgeExpiredSessions, revokeSession, revokeUserSessions } from "../../lib/auth/session-admin";
import { SessionDataError, SessionDataTooLargeError, SessionDataValidationError } from "../../lib/session-data/errors";
import {
  anonymousOwner,
  generateAnonymousToken,
  sessionOwner,
  type SessionDataOwner,
} from "../../lib/session-data/owner";
import { createSessionStore } from "../../lib/session-data/store";
import { AuthClient } from "../support/auth-client";
import { createTestContext, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// The session-data store (lib/session-data/) on a real database: limits and schema
// errors write nothing, concurrent writes all land, signed-in data goes with its session however the session
// ends, anonymous data is carried over on sign-in exactly once and purged when it expires.

const flags = z.record(z.string(), z.boolean());
const counter = z.object({ count: z.number().int().min(0), note: z.string().max(50).optional() });

const flagStore = createSessionStore("flags", flags, { initial: {} });
const counterStore = createSessionStore("counter", counter, { initial: { count: 0 }, maxBytes: 100 });
const mergingCounter = createSessionStore("counter", counter, {
  initial: { count: 0 },
  merge: (signedIn, anonymous) => ({ ...signedIn, count: signedIn.count + anonymous.count }),
});

const rowOf = (ctx: TestContext, owner: SessionDataOwner, name: string) =>
  ctx.db.sessionData.findUnique({ where: { key_name: { key: owner.key, name } } });

describe("session data: anonymous owner, limits and concurrency", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx?.cleanup());

  it("reads the initial value until written, then the stored one; only the token's SHA-256 is stored", async () => {
    const token = generateAnonymousToken();
    const owner = anonymousOwner(token);
    expect(await counterStore.read(ctx.db, owner)).toEqual({ count: 0 });
    expect(await counterStore.write(ctx.db, owner, (c) => ({ ...c, count: c.count + 1 }))).toEqual({ count: 1 });
    expect(await counterStore.read(ctx.db, owner)).toEqual({ count: 1 });

    const row = await rowOf(ctx, owner, "counter");
    expect(owner.key).toMatch(/^a:[0-9a-f]{64}$/);
    expect(row!.key).not.toContain(token);
    expect(row!.version).toBe(1);
    expect(row!.expires!.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000); // 30 days, sliding
    expect(row!.sessionId).toBeNull();
  });

  it("rejects a value over the byte limit with SessionDataTooLargeError and writes nothing", async () => {
    const owner = anonymousOwner(generateAnonymousToken());
    await counterStore.write(ctx.db, owner, () => ({ count: 7, note: "kept" }));
    const before = await rowOf(ctx, owner, "counter");

    const big = flagStore.write(ctx.db, owner, () =>
      Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`flag-${i}`, true])),
    );
    await expect(big).rejects.toBeInstanceOf(SessionDataTooLargeError);
    await expect(big).rejects.toThrow(/limit is 4096 bytes\. Nothing was saved/);
    expect(await rowOf(ctx, owner, "flags")).toBeNull(); // not created

    // 100-byte store: a schema-valid value of 111 bytes (45 two-byte characters) is refused; the previous value stays.
    const tooLong = counterStore.write(ctx.db, owner, () => ({ count: 1, note: "é".repeat(45) }));
    await expect(tooLong).rejects.toBeInstanceOf(SessionDataTooLargeError);
    expect(await rowOf(ctx, owner, "counter")).toEqual(before);

    const error = await counterStore
      .write(ctx.db, owner, () => ({ count: 1, note: "é".repeat(45) }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionDataError);
    expect(error).toMatchObject({ code: "too_large", store: "counter", bytes: 111, maxBytes: 100 });

    // The limit is on UTF-8 bytes of the JSON: exactly 100 bytes is accepted, 101 is not.
    expect(await counterStore.write(ctx.db, owner, () => ({ count: 10, note: "é".repeat(39) }))).toEqual({
      count: 10,
      note: "é".repeat(39),
    });
    await expect(counterStore.write(ctx.db, owner, () => ({ count: 100, note: "é".repeat(39) }))).rejects.toMatchObject(
      { bytes: 101 },
    );
  });

  it("rejects a value that fails the schema with SessionDataValidationError and writes nothing", async () => {
    const owner = anonymousOwner(generateAnonymousToken());
    await counterStore.write(ctx.db, owner, () => ({ count: 3 }));
    const before = await rowOf(ctx, owner, "counter");

    const negative = counterStore.write(ctx.db, owner, () => ({ count: -1 }));
    await expect(negative).rejects.toBeInstanceOf(SessionDataValidationError);
    await expect(negative).rejects.toThrow(/count: .*Nothing was saved/);
    const wrongType = counterStore.write(ctx.db, owner, () => ({ count: "3" }) as unknown as { count: number });
    await expect(wrongType).rejects.toMatchObject({ code: "invalid" });
    expect(await rowOf(ctx, owner, "counter")).toEqual(before);

    const fresh = anonymousOwner(generateAnonymousToken());
    await expect(counterStore.write(ctx.db, fresh, () => ({ count: 1.5 }))).rejects.toBeInstanceOf(
      SessionDataValidationError,
    );
    expect(await rowOf(ctx, fresh, "counter")).toBeNull();
  });

  it("stores what the schema outputs (unknown keys stripped) and reads a stored value that no longer fits as the initial one", async () => {
    const owner = anonymousOwner(generateAnonymousToken());
    await counterStore.write(ctx.db, owner, () => ({ count: 2, extra: "dropped" }) as { count: number });
    expect(JSON.parse((await rowOf(ctx, owner, "counter"))!.data)).toEqual({ count: 2 });

    await ctx.db.sessionData.update({
      where: { key_name: { key: owner.key, name: "counter" } },
      data: { data: '{"count":"two"}' },
    });
    expect(await counterStore.read(ctx.db, owner)).toEqual({ count: 0 });
    await ctx.db.sessionData.update({
      where: { key_name: { key: owner.key, name: "counter" } },
      data: { data: "not json" },
    });
    expect(await counterStore.read(ctx.db, owner)).toEqual({ count: 0 });
  });

  it("20 concurrent writes adding different keys all land, on an existing record and on a first write", async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    const existing = anonymousOwner(generateAnonymousToken());
    await flagStore.write(ctx.db, existing, () => ({ seed: true }));
    await Promise.all(keys.map((key) => flagStore.write(ctx.db, existing, (current) => ({ ...current, [key]: true }))));
    expect(Object.keys(await flagStore.read(ctx.db, existing)).sort()).toEqual(["seed", ...keys].sort());
    expect((await rowOf(ctx, existing, "flags"))!.version).toBe(21);

    const first = anonymousOwner(generateAnonymousToken());
    await Promise.all(keys.map((key) => flagStore.write(ctx.db, first, (current) => ({ ...current, [key]: true }))));
    expect(Object.keys(await flagStore.read(ctx.db, first)).sort()).toEqual([...keys].sort());
  });

  it("20 concurrent increments count to 20 (read-modify-write is atomic)", async () => {
    const owner = anonymousOwner(generateAnonymousToken());
    await counterStore.write(ctx.db, owner, () => ({ count: 0 }));
    await Promise.all(
      Array.from({ length: 20 }, () => counterStore.write(ctx.db, owner, (c) => ({ ...c, count: c.count + 1 }))),
    );
    expect(await counterStore.read(ctx.db, owner)).toEqual({ count: 20 });
  });

  it("expired anonymous data is not served, is overwritten on the next write, and is purged with expired sessions", async () => {
    const expired = anonymousOwner(generateAnonymousToken());
    const live = anonymousOwner(generateAnonymousToken());
    await counterStore.write(ctx.db, expired, () => ({ count: 5 }));
    await counterStore.write(ctx.db, live, () => ({ count: 6 }));
    const past = new Date(Date.now() - 1000);
    await ctx.db.sessionData.updateMany({ where: { key: expired.key }, data: { expires: past } });

    expect(await counterStore.read(ctx.db, expired)).toEqual({ count: 0 });
    // An unreachable row (no session, no expiry) is swept too.
    await ctx.db.sessionData.create({ data: { key: "s:gone", name: "counter", data: "{}", expires: null } });

    const batches: string[] = [];
    const result = await purgeExpiredSessions(ctx.db, { batchSize: 1, onBatch: (table) => batches.push(table) });
    expect(result.sessionData).toBeGreaterThanOrEqual(2);
    expect(batches.filter((t) => t === "sessionData").length).toBe(result.sessionData);
    expect(await rowOf(ctx, expired, "counter")).toBeNull();
    expect(await ctx.db.sessionData.count({ where: { key: "s:gone" } })).toBe(0);
    expect(await counterStore.read(ctx.db, live)).toEqual({ count: 6 });
    expect(await ctx.db.sessionData.count({ where: { expires: { lte: new Date() } } })).toBe(0);
  });
});

describe.each(["database", "jwt"] as const)("session data tied to a %s session", (strategy) => {
  let ctx: TestContext;
  let userId: string;
  const email = `data-${strategy}@example.com`;
  const password = "correct-horse-battery";

  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_SESSION_STRATEGY: strategy,
      AUTH_JWT_RECHECK_SECONDS: "60",
      AUTH_SIGNIN_MAX_FAILURES: "1000",
    });
    userId = (await createUser(ctx.db, { email, password })).id;
  });
  afterAll(() => ctx?.cleanup());

  /** A real sign-in through Auth.js, and the id of the session it created. */
  async function signIn(): Promise<{ client: AuthClient; sessionId: string; owner: SessionDataOwner }> {
    const client = new AuthClient(ctx.env, ctx.db);
    await client.signIn(email, password);
    const verified = await createSessionStrategy(ctx.env, ctx.db).verify(
      { name: PLAIN_SESSION_COOKIE, value: client.sessionCookie()! },
      { slide: false },
    );
    const sessionId = verified!.sessionId;
    return { client, sessionId, owner: sessionOwner(sessionId) };
  }

  const sessionRow = (sessionId: string) => ctx.db.session.findUnique({ where: { id: sessionId } });

  it("is linked to the session row, and signing out deletes it", async () => {
    const { client, sessionId, owner } = await signIn();
    await counterStore.write(ctx.db, owner, () => ({ count: 4 }));
    const row = await rowOf(ctx, owner, "counter");
    expect(row).toMatchObject({ sessionId, expires: null });
    expect(await sessionRow(sessionId)).toMatchObject({ strategy });
    expect(await counterStore.read(ctx.db, owner)).toEqual({ count: 4 });

    await client.signOut();
    expect(await sessionRow(sessionId)).toBeNull();
    expect(await rowOf(ctx, owner, "counter")).toBeNull();
  });

  it("revoking the session (one or all of the user's) deletes its data", async () => {
    const one = await signIn();
    const all = await signIn();
    await counterStore.write(ctx.db, one.owner, () => ({ count: 1 }));
    await counterStore.write(ctx.db, all.owner, () => ({ count: 2 }));

    expect(await revokeSession(ctx.db, one.sessionId)).toBe(true);
    expect(await rowOf(ctx, one.owner, "counter")).toBeNull();
    expect(await rowOf(ctx, all.owner, "counter")).not.toBeNull();

    await revokeUserSessions(ctx.db, userId);
    expect(await rowOf(ctx, all.owner, "counter")).toBeNull();
  });

  it("is never served for an expired session, and is purged with it", async () => {
    const { sessionId, owner } = await signIn();
    await counterStore.write(ctx.db, owner, () => ({ count: 9 }));
    const past = new Date(Date.now() - 1000);
    await ctx.db.session.update({ where: { id: sessionId }, data: { expires: past } });

    expect(await counterStore.read(ctx.db, owner)).toEqual({ count: 0 });
    const result = await purgeExpiredSessions(ctx.db);
    expect(result.sessions).toBeGreaterThanOrEqual(1);
    expect(await rowOf(ctx, owner, "counter")).toBeNull();
  });

  it("a write for a session that has ended (e.g. a JWT inside its recheck window) is refused, not stored", async () => {
    const { client, sessionId, owner } = await signIn();
    await client.signOut();
    expect(await sessionRow(sessionId)).toBeNull();
    const write = counterStore.write(ctx.db, owner, () => ({ count: 1 }));
    await expect(write).rejects.toBeInstanceOf(SessionDataError);
    await expect(write).rejects.toMatchObject({ code: "session_ended" });
    expect(await rowOf(ctx, owner, "counter")).toBeNull();
  });

  it("20 concurrent writes to the session's data all land", async () => {
    const { client, owner } = await signIn();
    const keys = Array.from({ length: 20 }, (_, i) => `tab-${i}`);
    await flagStore.write(ctx.db, owner, () => ({}));
    await Promise.all(keys.map((key) => flagStore.write(ctx.db, owner, (current) => ({ ...current, [key]: true }))));
    expect(Object.keys(await flagStore.read(ctx.db, owner)).sort()).toEqual([...keys].sort());
    await client.signOut();
  });

  it("on sign-in the anonymous data is merged into the session's once and the anonymous record is deleted", async () => {
    const anonymous = anonymousOwner(generateAnonymousToken());
    await mergingCounter.write(ctx.db, anonymous, () => ({ count: 3, note: "from before sign-in" }));
    const { client, owner } = await signIn();
    await mergingCounter.write(ctx.db, owner, () => ({ count: 2 }));

    // Two requests of the same browser adopt at once: the anonymous count is added exactly once.
    const adopted = await Promise.all([
      mergingCounter.adopt(ctx.db, anonymous, owner),
      mergingCounter.adopt(ctx.db, anonymous, owner),
    ]);
    expect(adopted.filter(Boolean)).toHaveLength(1);
    expect(await mergingCounter.read(ctx.db, owner)).toEqual({ count: 5 });
    expect(await ctx.db.sessionData.count({ where: { key: anonymous.key } })).toBe(0);
    expect(await mergingCounter.adopt(ctx.db, anonymous, owner)).toBe(false);

    // The default merge keeps the session's own keys and adds the anonymous ones.
    const other = anonymousOwner(generateAnonymousToken());
    await flagStore.write(ctx.db, other, () => ({ a: true, b: true }));
    await flagStore.write(ctx.db, owner, () => ({ b: false }));
    expect(await flagStore.adopt(ctx.db, other, owner)).toBe(true);
    expect(await flagStore.read(ctx.db, owner)).toEqual({ a: true, b: false });
    await client.signOut();
  });

  it("anonymous data that cannot be merged (over the limit) is dropped and the session's data is kept", async () => {
    const anonymous = anonymousOwner(generateAnonymousToken());
    const small = createSessionStore("counter", counter, {
      initial: { count: 0 },
      maxBytes: 40,
      merge: (s, a) => ({ count: s.count, note: a.note }),
    });
    await small.write(ctx.db, anonymous, () => ({ count: 0, note: "x".repeat(15) }));
    const { client, owner } = await signIn();
    await small.write(ctx.db, owner, () => ({ count: 12345678 }));
    expect(await small.adopt(ctx.db, anonymous, owner)).toBe(false);
    expect(await small.read(ctx.db, owner)).toEqual({ count: 12345678 });
    expect(await rowOf(ctx, anonymous, "counter")).toBeNull();
    await client.signOut();
  });
});
