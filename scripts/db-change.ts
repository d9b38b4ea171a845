// npm run db:change -- --name add_bio — after editing prisma/schema.prisma: syncs the PostgreSQL schema, writes a
// migration for both providers, applies it to the configured database and regenerates both Prisma clients.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { loadEnvFile, projectRoot } from "./lib/env-file";
import { parseCliArgs } from "./lib/args";
import { assertDatabaseFileFree, applyPendingMigrations } from "./lib/migrate";
import { migrationSql, nextMigrationName, writeMigration, type DiffSide } from "./lib/migration-diff";
import { runPrisma, runScript, ScriptError } from "./lib/prisma-cli";
import { DEFAULT_DATABASE_URL, prismaPathsFor, type DatabaseProvider } from "../lib/database-url";
import { getEnv } from "../lib/env";
import { migrationFolders } from "../lib/migration-status";

const USAGE = `Usage: npm run db:change -- --name <name>

After you edit prisma/schema.prisma (the only schema file to edit): regenerates prisma/postgresql/schema.prisma,
writes prisma/migrations/<timestamp>_<name>/ and prisma/postgresql/migrations/<timestamp>_<name>/, applies the
new migration to the database in DATABASE_URL and regenerates both Prisma clients. <name> says what changed, in
lowercase snake_case (e.g. add_bio). Commit the schema files and both migration folders.

The PostgreSQL migration is worked out against the PostgreSQL migrations on a throwaway database when
DATABASE_URL is a PostgreSQL server (its user needs CREATEDB), else from the previous PostgreSQL schema file.`;

const NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const PROVIDERS: DatabaseProvider[] = ["sqlite", "postgresql"];

runScript(async () => {
  const { values } = parseCliArgs(
    { options: { name: { type: "string", short: "n" }, help: { type: "boolean", short: "h" } } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.name === undefined) throw new ScriptError(`--name is required; nothing was changed.\n\n${USAGE}`);
  if (!NAME_PATTERN.test(values.name))
    throw new ScriptError(
      `--name must be lowercase letters, digits and underscores, starting with a letter (at most 63), ` +
        `e.g. add_bio; got "${values.name}". Nothing was changed.`,
    );

  await loadEnvFile();
  const env = getEnv();
  // Before anything is written: a migration that cannot be applied would be left half done.
  assertDatabaseFileFree(env);

  const scratch = mkdtempSync(join(tmpdir(), "db-change-"));
  try {
    const previousPostgresSchema = join(scratch, "previous-postgresql.prisma");
    copyFileSync(join(projectRoot, prismaPathsFor("postgresql").schema), previousPostgresSchema);
    syncPostgresSchema();

    const changes = PROVIDERS.map((provider) => ({
      provider,
      sql: migrationSql(...diffFor(provider, env, previousPostgresSchema), projectRoot),
    }));
    const [sqlite, postgresql] = changes;
    if (!sqlite.sql && !postgresql.sql) {
      console.log(
        "prisma/schema.prisma matches the migrations of both databases: nothing to change, no migration written.",
      );
      return;
    }
    if (sqlite.sql && !postgresql.sql && env.databaseProvider !== "postgresql") {
      // Without a server the baseline is the previous PostgreSQL schema, which already had the change.
      throw new ScriptError(
        "prisma/postgresql/schema.prisma already had this change (was `npm run db:sync-schemas` run by hand?), so the " +
          "PostgreSQL migration cannot be worked out from it. Run this again with DATABASE_URL set to a PostgreSQL " +
          "server (e.g. the one from `docker compose up -d --wait`). Nothing was written.",
      );
    }

    const folders = PROVIDERS.map((provider) => join(projectRoot, prismaPathsFor(provider).migrations));
    const name = nextMigrationName(
      values.name,
      folders.flatMap((folder) => migrationFolders(folder) ?? []),
    );
    for (const [index, change] of changes.entries()) {
      if (!change.sql) continue;
      const file = writeMigration(folders[index], name, change.sql);
      console.log(`Wrote ${relative(projectRoot, file)}:\n${indent(change.sql)}`);
    }

    await applyPendingMigrations(env).catch((error: unknown) => {
      if (error instanceof ScriptError)
        throw new ScriptError(`${error.message}\nThe migration files are written; run \`npm run db:migrate\` then.`);
      throw error;
    });
    for (const provider of PROVIDERS) runPrisma(["generate", "--schema", prismaPathsFor(provider).schema]);
    console.log(`Done: migration ${name} written for both databases and applied; both Prisma clients regenerated.`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

function syncPostgresSchema(): void {
  const script = join(projectRoot, "scripts", "sync-schemas.mjs");
  const result = spawnSync(process.execPath, [script], { cwd: projectRoot, stdio: "inherit" });
  if (result.status !== 0) throw new ScriptError("scripts/sync-schemas.mjs failed; no migration was written.");
}

/** What to diff the new schema of a provider against, and the datasource the schema engine may use meanwhile. */
function diffFor(
  provider: DatabaseProvider,
  env: { DATABASE_URL: string; databaseProvider: DatabaseProvider },
  previousPostgresSchema: string,
): [DiffSide, string, string] {
  const paths = prismaPathsFor(provider);
  if (provider === "sqlite") {
    // The migrations are replayed on an in-memory shadow database; no file is created.
    const url = env.databaseProvider === "sqlite" ? env.DATABASE_URL : DEFAULT_DATABASE_URL;
    return [{ migrations: paths.migrations }, paths.schema, url];
  }
  if (env.databaseProvider === "postgresql") return [{ migrations: paths.migrations }, paths.schema, env.DATABASE_URL];
  // No PostgreSQL server to replay the migrations on: a schema-to-schema diff needs none.
  return [{ schema: previousPostgresSchema }, paths.schema, DEFAULT_DATABASE_URL];
}

const indent = (sql: string) =>
  sql
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
