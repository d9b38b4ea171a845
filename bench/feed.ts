import pg from "pg";
import { eventually } from "../harness/eventually";
import { HttpClient } from "../harness/http-client";
import { serverEnv, startServer, type RunningServer } from "../harness/server";
import { BENCH_USER, type BenchDatabases } from "./databases";
import { log } from "./log";
import { appEnv, setupLabel, type BenchSettings, type SessionSetup } from "./settings";
import { summarize, type LatencySummary } from "./stats";

// How fast a change reaches the other instances of a deployment on PostgreSQL whose sessions trust earlier reads
// (JWT, database with the lookup cache): three `next start` processes on one database; a change is made on (or
// behind) the first, and the clock runs until both others answer for it — a signed-out session refused, a new role
// shown. With the change feed off (JWT only), the recheck window is what bounds it.

export type FeedCase = { sessions: string; change: string; feed: "on" | "off"; latency: LatencySummary };
export type FeedResult = { instances: number; recheckSeconds: number; cases: FeedCase[] };

const POLL_MS = 2;
const FEED_BCRYPT_COST = 4;
const GIVE_UP_MS = 120_000;

/** Milliseconds from now until `seen` holds on every client (each polled every POLL_MS). */
async function untilAll(clients: HttpClient[], seen: (client: HttpClient) => Promise<boolean>): Promise<number> {
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (!(await seen(client))) {
        if (performance.now() - started > GIVE_UP_MS) throw new Error(`a change did not arrive in ${GIVE_UP_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }),
  );
  return performance.now() - started;
}

const refused = async (client: HttpClient) => (await client.json("/api/me")).status === 401;
const roleIs = (role: string) => async (client: HttpClient) =>
  (await client.json<{ user?: { role: string } }>("/api/me")).body.user?.role === role;

async function signedIn(server: RunningServer): Promise<HttpClient> {
  const client = new HttpClient(server.url);
  await client.signIn(BENCH_USER.email, BENCH_USER.password);
  if (!client.sessionCookie) throw new Error("bench sign-in failed");
  return client;
}

async function measure(
  servers: RunningServer[],
  sql: pg.Client,
  userId: string,
  { sessions, feed }: Pick<FeedCase, "sessions" | "feed">,
  count: number,
): Promise<FeedCase[]> {
  const [first, ...others] = servers;
  const signOut: number[] = [];
  const roleBySql: number[] = [];
  for (let i = 0; i < count; i++) {
    const client = await signedIn(first);
    const copies = others.map((server) => client.sameBrowserOn(server.url));
    for (const copy of copies) if (await refused(copy)) throw new Error("a fresh session was refused");
    await client.signOut();
    signOut.push(await untilAll(copies, refused));

    // A fresh session watches the role change, so without the feed it waits a whole recheck window.
    const watcher = await signedIn(first);
    const watchers = others.map((server) => watcher.sameBrowserOn(server.url));
    for (const copy of watchers) if (await refused(copy)) throw new Error("a fresh session was refused");
    const role = i % 2 ? "user" : "admin";
    await sql.query(`UPDATE "User" SET "roleName" = $1 WHERE "id" = $2`, [role, userId]);
    roleBySql.push(await untilAll(watchers, roleIs(role)));
  }
  await sql.query(`UPDATE "User" SET "roleName" = 'user' WHERE "id" = $1`, [userId]);
  return [
    { sessions, change: "sign-out on one instance", feed, latency: summarize(signOut) },
    { sessions, change: "role changed with SQL (the Studio path)", feed, latency: summarize(roleBySql) },
  ];
}

export async function benchFeed(databases: BenchDatabases, settings: BenchSettings): Promise<FeedResult> {
  const { changes, cutChanges, recheckSeconds } = settings.feed;
  // Every change needs a fresh sign-in: the lowest bcrypt cost keeps the phase about propagation, not hashing.
  const database = await databases.create("postgresql", FEED_BCRYPT_COST);
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  const servers: RunningServer[] = [];
  const start = ({ strategy, sessionCache }: SessionSetup, feed: "on" | "off") =>
    startServer(
      serverEnv({
        ...appEnv(settings, {
          DATABASE_URL: database.url,
          AUTH_SESSION_STRATEGY: strategy,
          AUTH_BCRYPT_COST: FEED_BCRYPT_COST,
          sessionCache,
        }),
        AUTH_JWT_RECHECK_SECONDS: String(recheckSeconds),
        AUTH_CHANGE_FEED: feed,
      }),
    ).then((server) => (servers.push(server), server));
  const runs: { setup: SessionSetup; feed: "on" | "off" }[] = [
    { setup: { strategy: "jwt" }, feed: "on" },
    { setup: { strategy: "database", sessionCache: true }, feed: "on" },
    { setup: { strategy: "jwt" }, feed: "off" }, // the cache refuses to run without the feed
  ];
  try {
    const cases: FeedCase[] = [];
    for (const { setup, feed } of runs) {
      const trio = await Promise.all([start(setup, feed), start(setup, feed), start(setup, feed)]);
      for (const server of trio) {
        const expected = feed === "on" ? "live" : "in-process";
        await eventually(
          () => new HttpClient(server.url).json<{ revocationFeed: string }>("/api/health"),
          (health) => health.body.revocationFeed === expected,
          10_000,
        );
      }
      const count = feed === "on" ? changes : cutChanges;
      const sessions = setupLabel(setup);
      log(`feed: ${count} sign-outs and ${count} SQL role changes, ${sessions} sessions, feed ${feed}`);
      cases.push(...(await measure(trio, sql, database.userId, { sessions, feed }, count)));
      await Promise.all(trio.map((server) => server.stop()));
      servers.length = 0;
    }
    return { instances: 3, recheckSeconds, cases };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await sql.end();
    await database.drop();
  }
}
