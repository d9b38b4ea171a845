import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase, projectRoot, tmpDir, type TestDatabase } from "../../harness/databases";
import { UNUSED_SMTP_URL } from "../../harness/mail-catcher";
import { UNUSED_AUTH_URL } from "../../harness/server";
import { bundleEnvCheck } from "../../docker/bundle-env-check.mjs";
import { collect, runScript, scriptEnv } from "../support/cli";
import { TEST_SECRET } from "../support/test-env";

// Both ways of starting the server migrate first: `npm start` (db-migrate.ts --before-start, then next start) and
// the Docker image's CMD (docker/start.mjs). Each checks the environment the production server needs before that,
// whatever NODE_ENV says, and refuses without touching the database, naming what is missing.

const { provider } = inject("templateDatabase");
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createEmptyDatabase(provider);
  cleanups.push(database.drop);
  return database;
}

/** Whether nothing was written: the SQLite file not made (or empty), no table in the PostgreSQL database. */
async function untouched(database: TestDatabase): Promise<boolean> {
  if (provider === "sqlite") {
    const file = database.url.slice("file:".length);
    return !existsSync(file) || statSync(file).size === 0;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
    );
    return rows[0].n === 0;
  } finally {
    await client.end();
  }
}

describe(`a start without AUTH_SECRET is refused before migrating (${provider})`, () => {
  it("npm start: db-migrate.ts --before-start, with NODE_ENV unset as `npm start` leaves it", async () => {
    const database = await emptyDatabase();
    const env = (extra: Record<string, string>) => scriptEnv(database.url, { NODE_ENV: "", ...extra });
    const refused = await runScript("db-migrate.ts", ["--before-start"], env({ AUTH_SECRET: "" }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("AUTH_SECRET: required in production");
    expect(refused.stderr).toContain("Nothing was migrated and the server was not started");
    expect(refused.stdout).not.toContain("Applying migrations");
    expect(await untouched(database)).toBe(true);
    // With AUTH_SECRET set, the check passes and the migrations are applied.
    const started = await runScript("db-migrate.ts", ["--before-start"], env({ AUTH_SECRET: TEST_SECRET }));
    expect(started.stderr).not.toContain("required in production");
    expect(started.code).toBe(0);
    expect(started.stdout).toContain("All migrations have been successfully applied.");
    expect(await untouched(database)).toBe(false);
  });

  it("the Docker image: docker/start.mjs checks before `prisma migrate deploy`", async () => {
    const database = await emptyDatabase();
    // The script and the bundle it imports, laid out as in the image (docker/assemble-standalone.mjs).
    mkdirSync(tmpDir, { recursive: true });
    const app = mkdtempSync(join(tmpDir, "start-"));
    cleanups.push(() => rmSync(app, { recursive: true, force: true }));
    mkdirSync(join(app, "docker"));
    copyFileSync(join(projectRoot, "docker", "start.mjs"), join(app, "docker", "start.mjs"));
    await bundleEnvCheck(projectRoot, join(app, "docker", "check-env.mjs"));
    const start = (extra: Record<string, string>) => {
      const env = { PATH: process.env.PATH, NODE_ENV: "production" as const, DATABASE_URL: database.url, ...extra };
      const child = spawn(process.execPath, ["docker/start.mjs"], { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
      return collect(child);
    };

    const refused = await start({ SMTP_URL: UNUSED_SMTP_URL, AUTH_URL: UNUSED_AUTH_URL });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("AUTH_SECRET: required in production");
    expect(refused.stderr).toContain("[start] Nothing was migrated and the server was not started");
    expect(refused.stderr).not.toContain("prisma migrate deploy");
    expect(await untouched(database)).toBe(true);
    // Every variable set: the check lets it through to the migration (which fails here: this folder has no Prisma CLI).
    const passed = await start({ SMTP_URL: UNUSED_SMTP_URL, AUTH_URL: UNUSED_AUTH_URL, AUTH_SECRET: TEST_SECRET });
    expect(passed.stderr).not.toContain("required in production");
    expect(passed.stderr).toContain("prisma migrate deploy failed");
  });
});
