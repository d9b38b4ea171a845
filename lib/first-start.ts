import type { Db } from "./db";
import { seedRolesAndPermissions } from "./seed";

// A database fresh from its migrations has tables but no roles, so nobody could sign up (every account gets the
// default role). The first start gives it the seed's roles and permissions; after that they are the operator's
// (Studio, scripts), and a restart never puts back a permission someone took away.

const RACE_RETRIES = 3;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/** Seeds roles and permissions when there are none; true when it did. Safe when instances start at once. */
export async function seedRolesOnFirstStart(db: Db): Promise<boolean> {
  if ((await db.role.count()) > 0) return false;
  for (let attempt = 1; ; attempt++) {
    try {
      await seedRolesAndPermissions(db);
      return true;
    } catch (error) {
      // Another instance inserted a row between this one's upsert check and insert: go over what it made.
      if (!isUniqueViolation(error) || attempt === RACE_RETRIES) throw error;
    }
  }
}
