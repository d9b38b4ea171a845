import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgresql/client";
import { getEnv, type Env } from "./env";

// One Prisma client per process, for whichever database DATABASE_URL names. Both generated clients
// come from the same models (prisma/postgresql/schema.prisma is generated from prisma/schema.prisma),
// so the SQLite client's type describes both.
export type Db = PrismaClient;

/** Longest a single PostgreSQL query may wait for an answer (the app only runs short point queries). */
const QUERY_TIMEOUT_MS = 15_000;

export function createDb(
  env: Pick<
    Env,
    | "DATABASE_URL"
    | "databaseProvider"
    | "DATABASE_POOL_MAX"
    | "DATABASE_POOL_CONNECTION_TIMEOUT_MS"
    | "DATABASE_POOL_IDLE_TIMEOUT_MS"
  >,
): Db {
  if (env.databaseProvider === "sqlite") {
    // `timeout` is SQLite's busy timeout: wait for a concurrent writer instead of failing at once.
    const adapter = new PrismaBetterSqlite3({ url: env.DATABASE_URL, timeout: 5_000 });
    return new PrismaClient({ adapter });
  }
  // pg's pool drops a connection whose query or socket failed, so after an outage new connections are opened
  // on demand. keepAlive finds idle connections whose peer vanished without closing them (failover, NAT
  // timeouts), and query_timeout frees a connection stuck on a network that went silent.
  const pool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: env.DATABASE_POOL_MAX,
    connectionTimeoutMillis: env.DATABASE_POOL_CONNECTION_TIMEOUT_MS,
    idleTimeoutMillis: env.DATABASE_POOL_IDLE_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    query_timeout: QUERY_TIMEOUT_MS,
  });
  pool.on("error", (error) => console.warn(`[db] dropped an idle PostgreSQL connection: ${error.message}`));
  // disposeExternalPool: $disconnect() still closes the connections, as when the adapter owned the pool.
  const db = new PostgresPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }) as unknown as Db;
  pools.set(db, pool);
  return db;
}

// The pool behind each PostgreSQL client, so the hot session lookup (lib/auth/strategy/database-lookup.ts) shares it.
// Kept on globalThis like the client itself: a production build can hold several copies of this module (e.g.
// instrumentation and route chunks) that share the global client, and each copy must find its pool.
const globalForPools = globalThis as unknown as { __starterDbPools?: WeakMap<Db, pg.Pool> };
const pools = (globalForPools.__starterDbPools ??= new WeakMap<Db, pg.Pool>());

/** Whether this client talks to PostgreSQL (otherwise SQLite). */
export function isPostgresClient(db: Db): boolean {
  return pools.has(db);
}

export function postgresPoolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("This database client is not a PostgreSQL client");
  return pool;
}

// Survive Next's hot reloads in development without opening a new pool each time.
const globalForDb = globalThis as unknown as { __starterDb?: Db };

export function getDb(): Db {
  globalForDb.__starterDb ??= createDb(getEnv());
  return globalForDb.__starterDb;
}
