import type { DatabaseProvider } from "../lib/database-url";
import { parseEnv } from "../lib/env";
import { PURGE_DEFAULTS } from "../lib/auth/session-admin";
import { UNUSED_SMTP_URL } from "../harness/mail-catcher";
import { E2E_SECRET, UNUSED_AUTH_URL } from "../harness/server";

// What one benchmark run measures and for how long. `--quick` shortens every phase; the app settings follow
// the production defaults unless AUTH_BCRYPT_COST, AUTH_HASH_WORKERS or AUTH_JWT_RECHECK_SECONDS are set.

export const BENCH_DIST_DIR = ".next-bench";
/**
 * What is loaded on every server, all with the same signed-in Cookie header except the signed-out page. Every
 * authenticated route is compared with a no-auth baseline of its own kind:
 *   /api/me (route handler, DAL)         ↔ /api/ping, a route handler with no auth and no database;
 *   / signed in (page, DAL in layout)    ↔ the same page for a visitor without a cookie (no lookup, no decryption);
 *   /dashboard (protected page, DAL)     ↔ that signed-out page too (a different page of similar size).
 * Every route's ratio to /api/ping is reported as well: for pages it shows how much rendering costs next to JSON.
 */
export const ROUTES = [
  { name: "/api/ping", path: "/api/ping", signedIn: true, kind: "baseline", baseline: null },
  { name: "/api/me", path: "/api/me", signedIn: true, kind: "authenticated", baseline: "/api/ping" },
  { name: "/dashboard", path: "/dashboard", signedIn: true, kind: "authenticated", baseline: "/ (signed out)" },
  { name: "/ (signed in)", path: "/", signedIn: true, kind: "authenticated", baseline: "/ (signed out)" },
  { name: "/ (signed out)", path: "/", signedIn: false, kind: "baseline", baseline: null },
] as const;
export type RouteSpec = (typeof ROUTES)[number];
export type RouteName = RouteSpec["name"];
export const BASELINE_ROUTE = "/api/ping";
export const PROVIDERS = ["sqlite", "postgresql"] as const;
export const STRATEGIES = ["database", "jwt"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What one routes run measures: a strategy, and for database sessions on PostgreSQL optionally the lookup cache. */
export type SessionSetup = { strategy: Strategy; sessionCache?: boolean };
export const setupLabel = ({ strategy, sessionCache }: SessionSetup) => (sessionCache ? `${strategy}+cache` : strategy);

/** Both strategies on each database; on PostgreSQL database sessions once more with the lookup cache (opt-in). */
export function setupsFor(provider: DatabaseProvider): SessionSetup[] {
  const setups: SessionSetup[] = STRATEGIES.map((strategy) => ({ strategy }));
  return provider === "postgresql" ? [...setups, { strategy: "database", sessionCache: true }] : setups;
}

export const TARGETS = {
  /** Authenticated route req/s as a share of the no-auth baseline. */
  ratio: 0.85,
  /** Event-loop p99 delay while 4 sign-ins hash. */
  eventLoopP99Ms: 10,
  /** Session lookup p50 at the large row count over the small one. */
  scaleP50Ratio: 1.2,
  /** Extra sign-in latency while the purge runs. */
  purgeStallMs: 50,
};

export type BenchSettings = ReturnType<typeof benchSettings>;

export function benchSettings(quick: boolean) {
  const app = parseEnv({
    NODE_ENV: "production",
    AUTH_SECRET: E2E_SECRET,
    SMTP_URL: UNUSED_SMTP_URL,
    AUTH_URL: UNUSED_AUTH_URL,
    AUTH_BCRYPT_COST: process.env.AUTH_BCRYPT_COST,
    AUTH_HASH_WORKERS: process.env.AUTH_HASH_WORKERS,
    AUTH_JWT_RECHECK_SECONDS: process.env.AUTH_JWT_RECHECK_SECONDS,
  });
  return {
    mode: quick ? ("quick" as const) : ("full" as const),
    connections: 10,
    /** JWT cookies decrypted in-process, each once (memo misses), then as many memo hits. */
    cookieDecryptions: quick ? 1_000 : 4_000,
    /** Sign-outs and SQL role changes timed across three JWT instances; fewer with the feed off (each waits the window). */
    feed: { changes: quick ? 100 : 1_000, cutChanges: quick ? 3 : 10, recheckSeconds: 5 },
    warmupSeconds: quick ? 0.5 : 2,
    routeSeconds: quick ? 2 : 8,
    /** Each route's seconds are split into this many turns, alternating between the routes. */
    routeRounds: quick ? 2 : 8,
    /** Requests to /api/me between RSS readings, and how many such batches (growth should flatten out). */
    memoryRequests: quick ? 500 : 10_000,
    memoryBatches: quick ? 2 : 3,
    bcryptCost: app.AUTH_BCRYPT_COST,
    hashWorkers: app.AUTH_HASH_WORKERS,
    jwtRecheckSeconds: app.AUTH_JWT_RECHECK_SECONDS,
    databasePoolMax: app.DATABASE_POOL_MAX,
    signIn: { concurrentHashes: 4, rounds: quick ? 2 : 5, signIns: quick ? 8 : 40, loadConnections: 4 },
    scale: { small: 1_000, large: quick ? 100_000 : 1_000_000, lookups: 2_000 },
    // The purge runs with the app's defaults (lib/auth/session-admin.ts PURGE_DEFAULTS), as `npm run sessions -- purge-expired` does.
    purge: {
      rows: quick ? 50_000 : 1_000_000,
      bcryptCost: 4,
      ...PURGE_DEFAULTS,
      beforeSeconds: quick ? 2 : 6,
      signInConcurrency: 2,
    },
  };
}

/** The environment of `next start` for one measurement: production, the run's settings, nothing from .env that matters. */
export function appEnv(
  settings: BenchSettings,
  overrides: {
    DATABASE_URL: string;
    AUTH_SESSION_STRATEGY: Strategy;
    AUTH_BCRYPT_COST?: number;
    sessionCache?: boolean;
  },
) {
  return {
    DATABASE_URL: overrides.DATABASE_URL,
    AUTH_SESSION_STRATEGY: overrides.AUTH_SESSION_STRATEGY,
    AUTH_BCRYPT_COST: String(overrides.AUTH_BCRYPT_COST ?? settings.bcryptCost),
    AUTH_HASH_WORKERS: String(settings.hashWorkers),
    AUTH_JWT_RECHECK_SECONDS: String(settings.jwtRecheckSeconds),
    DATABASE_POOL_MAX: String(settings.databasePoolMax),
    NEXT_DIST_DIR: BENCH_DIST_DIR,
    ...(overrides.sessionCache ? { AUTH_DATABASE_SESSION_CACHE: "on" } : {}),
  };
}
