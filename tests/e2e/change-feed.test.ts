import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../harness/http-client";
import { serverEnv, startServer, type RunningServer } from "../../harness/server";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import { createUser } from "../support/users";
import { LISTENER_NAME } from "../../lib/auth/strategy/change-feed";
import { eventually } from "./helpers";

// On PostgreSQL, database triggers announce every ended session, disabled user and role change, and each
// `next start` process hears them on its own connection. What trusts earlier reads: JWT sessions (a 5-minute
// recheck window here) and, in database mode, the opt-in lookup cache; so only the feed can explain a change seen
// within a second. Two instances of their own, plus one behind a TCP proxy whose feed connection is cut and restored.
const { databaseUrl, provider, strategy } = e2eTarget();
const onPostgres = provider === "postgresql";
const WINDOW_SECONDS = "300";
const db = e2eDb();
let b: RunningServer;
let c: RunningServer;
let cut: RunningServer;
let proxy: TcpProxy;
const userIds: string[] = [];

type Me = { user?: { role: string } };

beforeAll(async () => {
  if (!onPostgres) return;
  const env = {
    DATABASE_URL: databaseUrl,
    AUTH_SESSION_STRATEGY: strategy,
    AUTH_JWT_RECHECK_SECONDS: WINDOW_SECONDS,
    ...(strategy === "database" ? { AUTH_DATABASE_SESSION_CACHE: "on" } : {}),
  };
  const target = new URL(databaseUrl);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  [b, c, cut] = await Promise.all([
    startServer(serverEnv(env)),
    startServer(serverEnv(env)),
    startServer(serverEnv({ ...env, DATABASE_URL: proxy.urlFor(databaseUrl) })),
  ]);
  for (const server of [b, c, cut]) {
    const health = await eventually(
      () => new HttpClient(server.url).json<{ revocationFeed: string }>("/api/health"),
      (h) => h.body.revocationFeed === "live",
      10_000,
    );
    expect(health.body.revocationFeed).toBe("live");
  }
});
afterAll(async () => {
  await Promise.all([b?.stop(), c?.stop(), cut?.stop()]);
  await proxy?.close();
  await db.user.deleteMany({ where: { id: { in: userIds } } });
  await db.$disconnect();
});

async function newUser() {
  const email = `e2e-feed-${randomBytes(4).toString("hex")}@example.com`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const { id } = await createUser(db, { email, password });
  userIds.push(id);
  return { id, email, password };
}

/** One browser signed in on `server`, and the same cookies sent to each of `others`. */
async function browserOn(server: RunningServer, user: { email: string; password: string }, others: RunningServer[]) {
  const client = new HttpClient(server.url);
  expect((await client.signIn(user.email, user.password)).status).toBe(302);
  const copies = others.map((other) => client.sameBrowserOn(other.url));
  for (const each of [client, ...copies]) expect((await each.json("/api/me")).status).toBe(200);
  return { client, copies };
}

const status401 = (client: HttpClient) =>
  eventually(
    () => client.json("/api/me"),
    (me) => me.status === 401,
  );

describe.runIf(onPostgres)(`change feed: ${strategy} sessions hear every change at once (PostgreSQL)`, () => {
  it("between announcements a session is trusted without reading its row (one deleted with triggers off is still accepted)", async () => {
    const user = await newUser();
    const { copies } = await browserOn(b, user, [c]);
    await db.$transaction([
      db.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`),
      db.$executeRawUnsafe(`DELETE FROM "Session" WHERE "userId" = $1`, user.id),
    ]);
    expect((await copies[0].json("/api/me")).status).toBe(200);
  });

  it("signing out on B: C and a third instance reject the copied token within a second, not after 300 s", async () => {
    const user = await newUser();
    const { client, copies } = await browserOn(b, user, [c, cut]);
    await client.signOut();
    for (const copy of copies) expect((await status401(copy)).status).toBe(401);
  });

  it("a role edited with SQL (the Prisma Studio path) shows on every instance at once", async () => {
    const user = await newUser();
    const { client, copies } = await browserOn(b, user, [c]);
    await db.$executeRawUnsafe(`UPDATE "User" SET "roleName" = 'admin' WHERE "id" = $1`, user.id);
    for (const each of [client, ...copies]) {
      const me = await eventually(
        () => each.json<Me>("/api/me"),
        (me) => me.body.user?.role === "admin",
      );
      expect(me.body.user?.role).toBe("admin");
    }
  });

  it("a permission taken from a role with SQL reaches its sessions at once", async () => {
    const user = await newUser();
    await db.user.update({ where: { id: user.id }, data: { roleName: "admin" } });
    const { copies } = await browserOn(b, user, [c]);
    const [onC] = copies;
    const permissions = async () =>
      (await onC.json<{ user: { permissions: string[] } }>("/api/me")).body.user.permissions;
    expect(await permissions()).toContain("users:read");
    await db.$executeRawUnsafe(
      `DELETE FROM "RolePermission" WHERE "roleName" = 'admin' AND "permissionName" = 'users:read'`,
    );
    try {
      expect(await eventually(permissions, (p) => !p.includes("users:read")), "users:read is gone on C").not.toContain(
        "users:read",
      );
    } finally {
      await db.rolePermission.create({ data: { roleName: "admin", permissionName: "users:read" } });
    }
  });

  it("a cut feed connection shows as degraded, comes back by itself, and then delivers again", async () => {
    const health = () => new HttpClient(cut.url).json<{ revocationFeed: string }>("/api/health");
    proxy.stop();
    try {
      expect((await eventually(health, (h) => h.body.revocationFeed === "degraded", 5_000)).body).toMatchObject({
        database: "down",
        revocationFeed: "degraded",
      });
    } finally {
      proxy.resume();
    }
    expect((await eventually(health, (h) => h.body.revocationFeed === "live", 40_000)).body.revocationFeed).toBe(
      "live",
    );
    expect(cut.output()).toContain("[auth] change feed lost");

    const user = await newUser();
    const { client, copies } = await browserOn(b, user, [cut]);
    await client.signOut();
    expect((await status401(copies[0])).status).toBe(401);
  });

  it("a listener ended by pg_terminate_backend comes back by itself; a revocation made meanwhile still reaches it", async () => {
    const health = () => new HttpClient(c.url).json<{ revocationFeed: string }>("/api/health");
    const user = await newUser();
    const { copies } = await browserOn(b, user, [c]);
    const ended = await db.$queryRawUnsafe<{ ended: boolean }[]>(
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1`,
      `${LISTENER_NAME} ${c.process.pid}`,
    );
    expect(ended).toEqual([{ ended: true }]);
    expect((await eventually(health, (h) => h.body.revocationFeed === "degraded", 5_000)).body.revocationFeed).toBe(
      "degraded",
    );
    // Announced while C is not listening (its reconnect waits half a second): C must not miss it once it listens again.
    await db.$executeRawUnsafe(`DELETE FROM "Session" WHERE "userId" = $1`, user.id);
    expect((await health()).body.revocationFeed).toBe("degraded");
    expect((await eventually(health, (h) => h.body.revocationFeed === "live", 10_000)).body.revocationFeed).toBe(
      "live",
    );
    expect((await copies[0].json("/api/me")).status).toBe(401);
    expect(c.output()).toContain("[auth] change feed lost");
  });

  it("a burst of 10,000 announcements does not stall requests", async () => {
    const user = await newUser();
    const { copies } = await browserOn(b, user, [c]);
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    try {
      const burst = listener.query(
        `SELECT pg_notify('auth_changes', json_build_object('kind', 'session', 'id', 'burst-' || i)::text)
         FROM generate_series(1, 10000) AS i`,
      );
      const started = Date.now();
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await copies[0].json("/api/me")).status);
      await burst;
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await copies[0].json("/api/me")).status).toBe(200);
    } finally {
      await listener.end();
    }
  });
});
