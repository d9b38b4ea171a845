import { providerFromUrl } from "../../lib/database-url";
import { createDb, type Db } from "../../lib/db";
import { parseEnv } from "../../lib/env";

// What the e2e runner (tests/support/run-tests.ts) hands to the e2e test files.
export function e2eTarget() {
  const baseUrl = process.env.E2E_BASE_URL;
  const databaseUrl = process.env.E2E_DATABASE_URL;
  const strategy = process.env.E2E_STRATEGY as "database" | "jwt" | undefined;
  if (!baseUrl || !databaseUrl || !strategy) {
    throw new Error(
      "E2E tests need E2E_BASE_URL, E2E_DATABASE_URL and E2E_STRATEGY: run them with `npm test` or `npm run test:e2e`.",
    );
  }
  const provider = providerFromUrl(databaseUrl);
  return {
    baseUrl,
    databaseUrl,
    provider,
    strategy,
    recheckSeconds: Number(process.env.E2E_JWT_RECHECK_SECONDS ?? 60),
    /** JWT on PostgreSQL: every change reaches the server at once (lib/auth/strategy/change-feed.ts). */
    changeFeed: strategy === "jwt" && provider === "postgresql",
  };
}

/** A Prisma client on the server's database, to check and change rows behind the app's back. */
export function e2eDb(): Db {
  const { databaseUrl } = e2eTarget();
  return createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: databaseUrl }));
}

export const DEMO = {
  admin: { email: "admin@example.com", password: "correct-horse-admin" },
  user: { email: "user@example.com", password: "correct-horse-user" },
};
