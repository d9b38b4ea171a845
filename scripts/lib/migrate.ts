import { createDb } from "../../lib/db";
import type { Env } from "../../lib/env";
import { describeMigrationStatus, migrationStatus, type MigrationStatus } from "../../lib/migration-status";
import { describeDatabase, sqliteFilePath } from "./database-target";
import { projectRoot } from "./env-file";
import { runPrismaCaptured, ScriptError } from "./prisma-cli";
import { processesHolding, sqliteFileIsHeld } from "./sqlite-lock";

type MigrateEnv = Parameters<typeof createDb>[0] & Pick<Env, "databaseProvider">;

/**
 * `prisma migrate deploy`, only when the database lacks a committed migration. Skipping it when nothing is pending
 * lets `npm run dev` / `npm start` start while Prisma Studio has the SQLite file open (the schema engine would
 * wait for an exclusive lock and fail); when a migration is pending and the file is held, the error says so.
 */
export async function applyPendingMigrations(env: MigrateEnv, root = projectRoot): Promise<"up-to-date" | "applied"> {
  const status = await readStatus(env, root);
  if (status?.kind === "up-to-date") {
    const { message } = describeMigrationStatus(status, env.databaseProvider);
    console.log(status.unknown.length ? message : `The ${message} Nothing to apply.`);
    return "up-to-date";
  }
  const sqliteFile = env.databaseProvider === "sqlite" ? sqliteFilePath(env.DATABASE_URL, root) : null;
  const pending = status?.kind === "pending" ? status.pending : [];
  if (sqliteFile && sqliteFileIsHeld(sqliteFile)) throw heldFileError(sqliteFile, pending);

  console.log(`Applying migrations to the ${describeDatabase(env.DATABASE_URL, root)}…`);
  const result = runPrismaCaptured(["migrate", "deploy"], { ...process.env, DATABASE_URL: env.DATABASE_URL }, root);
  if (result.status === 0) {
    process.stderr.write(result.stderr); // Prisma's "Loaded Prisma config…" lines, which come first
    process.stdout.write(result.stdout);
    return "applied";
  }
  // Someone may have opened the file after the check above.
  if (sqliteFile && (sqliteFileIsHeld(sqliteFile) || /SocketTimeout|database is locked/.test(result.stderr)))
    throw heldFileError(sqliteFile, pending);
  process.stderr.write(result.stderr);
  process.stdout.write(result.stdout);
  throw new ScriptError(`prisma migrate deploy failed (exit code ${result.status}).`);
}

/** The migration history, or null when the database cannot be read yet (missing, unreachable): deploy decides. */
async function readStatus(env: MigrateEnv, root: string): Promise<MigrationStatus | null> {
  const db = createDb(env);
  try {
    return await migrationStatus(db, env.databaseProvider, root);
  } catch {
    return null;
  } finally {
    await db.$disconnect().catch(() => {});
  }
}

/** Refuses (with what to close) when the configured SQLite file is open elsewhere; schema changes would time out. */
export function assertDatabaseFileFree(env: MigrateEnv, root = projectRoot): void {
  if (env.databaseProvider !== "sqlite") return;
  const file = sqliteFilePath(env.DATABASE_URL, root);
  if (sqliteFileIsHeld(file)) throw heldFileError(file, []);
}

function heldFileError(file: string, pending: string[]): ScriptError {
  const holders = processesHolding(file);
  return new ScriptError(
    (pending.length ? `${pending.length} migration(s) to apply (${pending.join(", ")}), but ` : "") +
      `the SQLite file ${file} is open in another process, and Prisma needs it to itself to migrate.\n` +
      (holders.length ? `  Open in: ${holders.join("\n           ")}\n` : "") +
      `  Close Prisma Studio (or whatever holds ${file}, such as a running \`npm run dev\`) and retry.`,
  );
}
