import { createSessionStrategy, type SessionStrategy } from "../lib/auth/strategy";
import { createDb, type Db } from "../lib/db";
import type { DatabaseProvider } from "../lib/database-url";
import { parseEnv, type Env } from "../lib/env";
import { UNUSED_SMTP_URL } from "../harness/mail-catcher";
import { E2E_SECRET, UNUSED_AUTH_URL } from "../harness/server";
import type { BenchDatabase, BenchDatabases } from "./databases";
import { benchToken, insertSessions } from "./session-rows";
import { load, loadInTurns, loadProblem, type LoadSummary } from "./load";
import { log } from "./log";
import { signedInCookie, startBenchServer } from "./routes";
import type { BenchSettings } from "./settings";
import { summarize, type LatencySummary } from "./stats";
import { PLAIN_SESSION_COOKIE } from "../lib/auth/session-cookie";

// Does the database-mode session lookup stay flat as the Session table grows? The app's own lookup
// (the database strategy's verify(): token hash → indexed row + the user's claims) is timed in this process for random
// existing sessions in two databases, one with a small and one with a large Session table. Lookups alternate
// between the two, so a busy moment on a shared machine slows both sides alike instead of skewing the ratio.

export type ScaleStep = { rows: number; insertSeconds: number; lookups: LatencySummary; http?: LoadSummary };
export type ScaleResult = {
  provider: DatabaseProvider;
  small: ScaleStep;
  large: ScaleStep;
  /** In-process lookup p50, large table ÷ small table. */
  p50Ratio: number;
  /** GET /api/me p50 latency on a server over the large table ÷ on one over the small table. */
  httpP50Ratio?: number;
};

const WARMUP_LOOKUPS = 200;

type Side = { rows: number; db: Db; env: Env; strategy: SessionStrategy; samples: number[] };

async function lookupOnce(side: Side, record: boolean): Promise<void> {
  const token = benchToken(Math.floor(Math.random() * side.rows));
  const started = performance.now();
  const session = await side.strategy.verify({ name: PLAIN_SESSION_COOKIE, value: token }, { slide: false });
  const elapsed = performance.now() - started;
  if (!session) throw new Error(`Session lookup found nothing for a token that was inserted (${side.rows} rows)`);
  if (record) side.samples.push(elapsed);
}

async function filledDatabase(databases: BenchDatabases, provider: DatabaseProvider, rows: number) {
  const database = await databases.create(provider, 4);
  const now = new Date();
  const started = performance.now();
  await insertSessions(provider, database.url, {
    userId: database.userId,
    from: 0,
    to: rows,
    expires: new Date(now.getTime() + 86_400_000),
    createdAt: now,
  });
  return { database, insertSeconds: (performance.now() - started) / 1000 };
}

async function openSide(database: BenchDatabase, rows: number): Promise<Side> {
  const env = parseEnv({
    NODE_ENV: "production",
    AUTH_SECRET: E2E_SECRET,
    SMTP_URL: UNUSED_SMTP_URL,
    AUTH_URL: UNUSED_AUTH_URL,
    DATABASE_URL: database.url,
    AUTH_SESSION_STRATEGY: "database",
  });
  const db = createDb(env);
  // Connect Prisma first: its $disconnect() only closes the shared PostgreSQL pool (which the lookup uses
  // directly) when Prisma itself has connected.
  await db.user.count();
  return { rows, db, env, strategy: createSessionStrategy(env, db), samples: [] };
}

export async function benchScale(
  databases: BenchDatabases,
  provider: DatabaseProvider,
  settings: BenchSettings,
): Promise<ScaleResult> {
  const { small: smallRows, large: largeRows, lookups } = settings.scale;
  const small = await filledDatabase(databases, provider, smallRows);
  const large = await filledDatabase(databases, provider, largeRows);
  const sides = [await openSide(small.database, smallRows), await openSide(large.database, largeRows)];
  try {
    for (let i = 0; i < WARMUP_LOOKUPS + lookups; i++) {
      for (const side of sides) await lookupOnce(side, i >= WARMUP_LOOKUPS);
    }
    const [smallLookups, largeLookups] = sides.map((side) => summarize(side.samples));
    log("  the same through HTTP: GET /api/me on a server per table");
    const http = await apiMeOnBoth(small.database, large.database, settings);
    return {
      provider,
      small: { rows: smallRows, insertSeconds: small.insertSeconds, lookups: smallLookups, http: http.small },
      large: { rows: largeRows, insertSeconds: large.insertSeconds, lookups: largeLookups, http: http.large },
      p50Ratio: largeLookups.p50 / smallLookups.p50,
      httpP50Ratio: http.large.latencyP50 / http.small.latencyP50,
    };
  } finally {
    for (const side of sides) await side.db.$disconnect();
    await small.database.drop();
    await large.database.drop();
  }
}

/**
 * What a signed-in request sees: a production server (database strategy) on each database, GET /api/me with a
 * session of its own, loaded in alternating turns like the routes phase.
 */
async function apiMeOnBoth(
  small: BenchDatabase,
  large: BenchDatabase,
  settings: BenchSettings,
): Promise<{ small: LoadSummary; large: LoadSummary }> {
  const servers = await Promise.all(
    [small, large].map((database) => startBenchServer(database, { strategy: "database" }, settings, 4)),
  );
  try {
    const targets = await Promise.all(
      servers.map(async (server, i) => ({
        key: i === 0 ? ("small" as const) : ("large" as const),
        options: {
          url: `${server.url}/api/me`,
          connections: settings.connections,
          headers: { cookie: await signedInCookie(server) },
        },
      })),
    );
    for (const target of targets) await load({ ...target.options, duration: settings.warmupSeconds });
    const summaries = await loadInTurns(targets, { seconds: settings.routeSeconds, rounds: settings.routeRounds });
    for (const [key, summary] of summaries) {
      const problem = loadProblem(summary, 200);
      if (problem) throw new Error(`scale: GET /api/me on the ${key} table: ${problem}`);
    }
    return { small: summaries.get("small")!, large: summaries.get("large")! };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
