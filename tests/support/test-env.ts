import { inject } from "vitest";
import { createDb, type Db } from "../../lib/db";
import { parseEnv, type Env } from "../../lib/env";
import { seedRolesAndPermissions } from "../../lib/seed";
import { cloneTemplate } from "../../harness/databases";

export const TEST_SECRET = "test-secret-that-is-long-enough-for-auth-js-0123456789";

export type TestContext = { env: Env; db: Db; cleanup: () => Promise<void> };

/** A fresh migrated database (SQLite or PostgreSQL, per TEST_DATABASE_PROVIDER) with roles seeded. */
export async function createTestContext(overrides: Record<string, string> = {}): Promise<TestContext> {
  const database = await cloneTemplate(inject("templateDatabase"));
  const env = parseEnv({
    NODE_ENV: "test",
    AUTH_SECRET: TEST_SECRET,
    DATABASE_URL: database.url,
    AUTH_BCRYPT_COST: "4",
    ...overrides,
  });
  const db = createDb(env);
  await seedRolesAndPermissions(db);
  return {
    env,
    db,
    cleanup: async () => {
      await db.$disconnect();
      await database.drop();
    },
  };
}
