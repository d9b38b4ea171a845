import { findDatabaseSession } from "../../../lib/auth/session-strategy";
import { createDb, type Db } from "../../../lib/db";
import type { DatabaseProvider } from "../../../lib/database-url";
import { parseEnv, type Env } from "../../../lib/env";
import { E2E_SECRET } from "../../../tests/support/server";
import type { BenchDatabase, BenchDatabases } from "./databases";
import { benchToken, insertSessions } from "./session-rows";
import type { BenchSettings } from "./settings";
import { summarize, type LatencySummary } from "./stats";

// Does the database-mode session lookup stay flat as the Session table grows? The app's own lookup
// (findDatabaseSession: token hash → indexed row + the user's claims) is timed in this process for random
// existing sessions in two databases, one with a small and one with a large Session table. Lookups alternate
// between the two, so a busy moment on a shared machine slows both sides alike instead of skewing the ratio.

export type ScaleStep = { rows: number; insertSeconds: number; lookups: LatencySummary };
export type ScaleResult = { provider: DatabaseProvider; small: ScaleStep; large: ScaleStep; p50Ratio: number };

const WARMUP_LOOKUPS = 200;

type Side = { rows: number; db: Db; env: Env; samples: number[] };

async function lookupOnce(side: Side, record: boolean): Promise<void> {
  const token = benchToken(Math.floor(Math.random() * side.rows));
  const started = performance.now();
  const session = await findDatabaseSession(side.db, side.env, token);
  const elapsed = performance.now() - started;
  if (!session) throw new Error(`Session lookup found nothing for a token that was inserted (${side.rows} rows)`);
  if (record) side.samples.push(elapsed);
}

async function filledDatabase(databases: BenchDatabases, provider: DatabaseProvider, rows: number) {
  const database = await databases.create(provider, 4);
  const now = new Date();
  const started = performance.now();
  await insertSessions(provider, database.url, { userId: database.userId, from: 0, to: rows, expires: new Date(now.getTime() + 86_400_000), createdAt: now });
  return { database, insertSeconds: (performance.now() - started) / 1000 };
}

async function openSide(database: BenchDatabase, rows: number): Promise<Side> {
  const env = parseEnv({ NODE_ENV: "production", AUTH_SECRET: E2E_SECRET, DATABASE_URL: database.url, AUTH_SESSION_STRATEGY: "database" });
  const db = createDb(env);
  // Connect Prisma first: its $disconnect() only closes the shared PostgreSQL pool (which the lookup uses
  // directly) when Prisma itself has connected.
  await db.user.count();
  return { rows, db, env, samples: [] };
}

export async function benchScale(databases: BenchDatabases, provider: DatabaseProvider, settings: BenchSettings): Promise<ScaleResult> {
  const { small: smallRows, large: largeRows, lookups } = settings.scale;
  const small = await filledDatabase(databases, provider, smallRows);
  const large = await filledDatabase(databases, provider, largeRows);
  const sides = [await openSide(small.database, smallRows), await openSide(large.database, largeRows)];
  try {
    for (let i = 0; i < WARMUP_LOOKUPS + lookups; i++) {
      for (const side of sides) await lookupOnce(side, i >= WARMUP_LOOKUPS);
    }
    const [smallLookups, largeLookups] = sides.map((side) => summarize(side.samples));
    return {
      provider,
      small: { rows: smallRows, insertSeconds: small.insertSeconds, lookups: smallLookups },
      large: { rows: largeRows, insertSeconds: large.insertSeconds, lookups: largeLookups },
      p50Ratio: largeLookups.p50 / smallLookups.p50,
    };
  } finally {
    for (const side of sides) await side.db.$disconnect();
    await small.database.drop();
    await large.database.drop();
  }
}
