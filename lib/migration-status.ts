import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "./db";
import { prismaPathsFor, type DatabaseProvider } from "./database-url";

// Compares the migrations committed for a provider with those recorded in the database's `_prisma_migrations`
// table (written by `prisma migrate deploy`), so the server can refuse to run against a schema it does not match.

export type MigrationStatus =
  | { kind: "up-to-date"; applied: number; unknown: string[] }
  | { kind: "not-migrated" }
  | { kind: "pending"; pending: string[] }
  | { kind: "failed"; failed: string[] }
  | { kind: "no-migrations-folder"; folder: string };

/** Migration folder names on disk (each holds a migration.sql), oldest first. */
export function migrationFolders(folder: string): string[] | null {
  if (!existsSync(folder)) return null;
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}

const MIGRATIONS_TABLE_EXISTS: Record<DatabaseProvider, string> = {
  sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'",
  postgresql: "SELECT to_regclass('_prisma_migrations')::text AS name",
};

/**
 * Reads the database's migration history. Throws when the database cannot be queried (unreachable, wrong
 * credentials…): the caller decides what an unreachable database means.
 */
export async function migrationStatus(db: Db, provider: DatabaseProvider, root: string): Promise<MigrationStatus> {
  const folder = join(root, prismaPathsFor(provider).migrations);
  const expected = migrationFolders(folder);
  if (!expected) return { kind: "no-migrations-folder", folder };

  const table = await db.$queryRawUnsafe<{ name: string | null }[]>(MIGRATIONS_TABLE_EXISTS[provider]);
  if (!table[0]?.name) return { kind: "not-migrated" };

  // A row without finished_at is a migration that failed (or is being applied right now by another process).
  const rows = await db.$queryRawUnsafe<{ migration_name: string; state: string }[]>(
    "SELECT migration_name, CASE WHEN finished_at IS NULL THEN 'failed' ELSE 'applied' END AS state " +
      "FROM _prisma_migrations WHERE rolled_back_at IS NULL",
  );
  const failed = rows.filter((row) => row.state === "failed").map((row) => row.migration_name);
  if (failed.length) return { kind: "failed", failed };

  const applied = new Set(rows.map((row) => row.migration_name));
  if (applied.size === 0) return { kind: "not-migrated" };
  const pending = expected.filter((name) => !applied.has(name));
  if (pending.length) return { kind: "pending", pending };
  // Applied but not on disk: the database is ahead of this code (e.g. an old instance during a rolling deploy).
  const known = new Set(expected);
  return { kind: "up-to-date", applied: applied.size, unknown: [...applied].filter((name) => !known.has(name)) };
}

const MIGRATE_HINT =
  "Run `npm run db:migrate` (prisma migrate deploy) against this DATABASE_URL, then start the server again.";

/** What to tell the operator, and whether the server must not start. */
export function describeMigrationStatus(
  status: MigrationStatus,
  provider: DatabaseProvider,
): { fatal: boolean; message: string } {
  switch (status.kind) {
    case "up-to-date":
      return {
        fatal: false,
        message: status.unknown.length
          ? `The ${provider} database has migrations this code does not know (${status.unknown.join(", ")}); ` +
            "is this an older version of the app than the one that migrated it?"
          : `${provider} database schema is up to date (${status.applied} migrations).`,
      };
    case "not-migrated":
      return {
        fatal: true,
        message: `The ${provider} database has no tables from this app (no migrations applied).\n  ${MIGRATE_HINT}`,
      };
    case "pending":
      return {
        fatal: true,
        message:
          `${status.pending.length} migration(s) not applied to the ${provider} database:\n` +
          status.pending.map((name) => `    ${name}\n`).join("") +
          `  ${MIGRATE_HINT}`,
      };
    case "failed":
      return {
        fatal: true,
        message:
          `Migration(s) started but not finished in the ${provider} database: ${status.failed.join(", ")}.\n` +
          "  A previous `prisma migrate deploy` failed (or is still running). Inspect with `npx prisma migrate status`, fix the\n" +
          "  database, mark it with `npx prisma migrate resolve --rolled-back <name>` (or --applied), then run `npm run db:migrate`.",
      };
    case "no-migrations-folder":
      return {
        fatal: false,
        message: `Skipped the migration check: ${status.folder} is not deployed next to the app.`,
      };
  }
}
