import { getDb } from "./db";
import { EnvError, getEnv } from "./env";
import { seedRolesOnFirstStart } from "./first-start";
import { withTimeout } from "./with-timeout";
import { describeMigrationStatus, migrationStatus, type MigrationStatus } from "./migration-status";

/** Refuse to start with a bad environment, naming the variable, instead of failing on the first request. */
export function checkEnvironmentAtStartup(): void {
  try {
    const env = getEnv();
    console.log(`[auth] session strategy: ${env.AUTH_SESSION_STRATEGY}, database: ${env.databaseProvider}`);
    if (env.NODE_ENV === "production" && env.AUTH_TRUSTED_PROXY_HOPS === 0) {
      console.warn(
        "[auth] AUTH_TRUSTED_PROXY_HOPS is 0, so client addresses are unknown: per-address sign-in limits are off and " +
          "sessions show no IP. Serve the app behind a proxy that overwrites X-Forwarded-For and set it to 1 (see README, Deployment).",
      );
    }
    if (env.NODE_ENV === "production" && !env.AUTH_URL) {
      console.warn(
        `[mail] AUTH_URL is not set: emailed links go only to requests made to ${env.AUTH_LINK_HOSTS.join(", ")} (AUTH_LINK_HOSTS); a request to any other host gets none. Set AUTH_URL for those (see README, Email).`,
      );
    }
    if (env.NODE_ENV === "production" && env.MAIL_FROM.address.endsWith("@localhost")) {
      console.warn(
        `[mail] MAIL_FROM is ${env.MAIL_FROM.address}, which mail providers refuse: set it to an address of your domain (see README, Email).`,
      );
    }
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`\n${error.message}\n\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
}

const SCHEMA_CHECK_TIMEOUT_MS = 5_000;

/**
 * Refuse to serve against a database whose schema does not match the code (in production: exit 1 with the
 * command to run). A database that does not answer is NOT a reason to stay down: the server starts, /api/health
 * reports 503, and it recovers by itself when the database comes back.
 */
export async function checkDatabaseAtStartup(): Promise<void> {
  // `next build` may load instrumentation while prerendering; the schema is checked where it is served.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const env = getEnv();
  let status: MigrationStatus;
  try {
    status = await withTimeout(migrationStatus(getDb(), env.databaseProvider, process.cwd()), SCHEMA_CHECK_TIMEOUT_MS);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : String(error);
    console.warn(
      `[startup] Could not check the ${env.databaseProvider} database schema (${reason}). ` +
        "Starting anyway; /api/health answers 503 until the database is reachable.",
    );
    return;
  }
  const { fatal, message } = describeMigrationStatus(status, env.databaseProvider);
  if (!fatal) {
    console.log(`[startup] ${message}`);
    await addRolesToNewDatabase();
  } else if (env.NODE_ENV === "production") {
    console.error(`\n[startup] ${message}\n`);
    process.exit(1);
  } else {
    console.warn(`\n[startup] ${message}\n`);
  }
}

async function addRolesToNewDatabase(): Promise<void> {
  try {
    if (await seedRolesOnFirstStart(getDb()))
      console.log("[startup] new database: added the default roles and permissions (lib/seed.ts)");
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : String(error);
    console.warn(
      `[startup] Could not add the default roles (${reason}); sign-ups fail until \`npm run db:seed\` runs.`,
    );
  }
}
