import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runPrismaCaptured, ScriptError } from "./prisma-cli";

// `prisma migrate diff` as a function: the SQL that takes a database from one state to another.

export type DiffSide = { migrations: string } | { schema: string };

/** The migration SQL from `from` to the schema file `to`, or null when they already match. */
export function migrationSql(from: DiffSide, to: string, databaseUrl: string, root: string): string | null {
  const fromArgs = "migrations" in from ? ["--from-migrations", from.migrations] : ["--from-schema", from.schema];
  // --exit-code: 0 when there is no difference, 2 when there is one, 1 on errors.
  const args = ["migrate", "diff", ...fromArgs, "--to-schema", to, "--script", "--exit-code"];
  const result = runPrismaCaptured(args, { ...process.env, DATABASE_URL: databaseUrl }, root);
  if (result.status === 0) return null;
  if (result.status === 2) return result.stdout.trim() + "\n";
  throw new ScriptError(`prisma ${args.join(" ")} failed:\n${(result.stderr + result.stdout).trim()}`);
}

/** A migration folder name after every existing one in `folders` (Prisma's UTC yyyymmddhhmmss prefix). */
export function nextMigrationName(name: string, existing: string[], now = new Date()): string {
  const stamp = (date: Date) => date.toISOString().replace(/\D/g, "").slice(0, 14);
  let time = now;
  const newest = existing
    .map((folder) => folder.slice(0, 14))
    .sort()
    .at(-1);
  if (newest && stamp(time) <= newest) time = new Date(parseStamp(newest).getTime() + 1000);
  return `${stamp(time)}_${name}`;
}

function parseStamp(stamp: string): Date {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(stamp.slice(at, at + (i ? 2 : 4))));
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** Writes `<folder>/<name>/migration.sql` the way `prisma migrate dev` does. */
export function writeMigration(folder: string, name: string, sql: string): string {
  const dir = join(folder, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "migration.sql"), sql);
  return join(dir, "migration.sql");
}
