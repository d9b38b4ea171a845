import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db";
import { parseEnv } from "../../lib/env";
import { prismaPathsFor } from "../../lib/database-url";
import { cloneTemplate, type TestDatabase } from "../../harness/databases";
import { scriptEnv } from "../support/cli";
import { copyProject, type ProjectCopy } from "../support/project-copy";
import { holdSqliteFile, type SqliteHolder } from "../support/sqlite-holder";

// `npm run db:migrate` (also run by `npm start`, and by `npm run dev` through prepare-dev) with the database file
// held open the way Prisma Studio holds it. Prisma's schema engine then cannot get its exclusive lock and fails
// with "SocketTimeout", so the script must not call it when nothing is pending, and must say what to close when
// something is. Runs in a copy of the project, which gets one extra migration to be pending.

const template = inject("templateDatabase");
const PENDING = "29990101000000_pending_probe";

describe(`npm run db:migrate with the database held open (${template.provider})`, () => {
  let project: ProjectCopy;
  let database: TestDatabase;
  let holder: SqliteHolder | undefined;
  const sqliteFile = () => database.url.slice("file:".length);
  const env = () => scriptEnv(database.url);
  const probeTableExists = async () => {
    const db = createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: database.url }));
    try {
      const sql =
        template.provider === "sqlite"
          ? "SELECT name FROM sqlite_master WHERE name = 'PendingProbe'"
          : "SELECT to_regclass('\"PendingProbe\"')::text AS name";
      const rows = await db.$queryRawUnsafe<{ name: string | null }[]>(sql);
      return Boolean(rows[0]?.name);
    } finally {
      await db.$disconnect();
    }
  };
  const hold = async () => {
    if (template.provider === "sqlite") holder = await holdSqliteFile(sqliteFile());
  };
  const release = async () => {
    await holder?.release();
    holder = undefined;
  };

  beforeAll(async () => {
    project = copyProject();
    database = await cloneTemplate(template);
  });
  afterAll(async () => {
    await release();
    await database?.drop();
    project?.remove();
  });

  it.runIf(template.provider === "sqlite")(
    "(the failure being avoided) prisma migrate deploy itself times out while the file is held",
    async () => {
      await hold();
      try {
        const result = await project.prisma(["migrate", "deploy"], env());
        expect(result.code).not.toBe(0);
        expect(result.stdout + result.stderr).toContain("SocketTimeout");
      } finally {
        await release();
      }
    },
  );

  it("skips prisma migrate deploy when nothing is pending, so db:migrate and `npm run dev`'s setup succeed", async () => {
    await hold();
    try {
      const migrate = await project.run("db-migrate.ts", [], env());
      expect(migrate.stderr).toBe("");
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toMatch(/database schema is up to date \(\d+ migrations\)\. Nothing to apply\./);

      const dev = await project.run("prepare-dev.ts", [], env()); // `npm run dev` before `next dev`
      expect(dev.stderr).not.toMatch(/SocketTimeout|Error/);
      expect(dev.code).toBe(0);
      expect(dev.stdout).toContain("Seeded users: admin@example.com, user@example.com");
    } finally {
      await release();
    }
  });

  it("with a migration pending and the file held, says what to close instead of a stack trace", async () => {
    for (const provider of ["sqlite", "postgresql"] as const) {
      const folder = join(project.root, prismaPathsFor(provider).migrations, PENDING);
      mkdirSync(folder, { recursive: true });
      writeFileSync(
        join(folder, "migration.sql"),
        'CREATE TABLE "PendingProbe" ("id" INTEGER NOT NULL PRIMARY KEY);\n',
      );
    }
    if (template.provider !== "sqlite") return; // PostgreSQL has no file lock: the next test applies it
    await hold();
    try {
      const result = await project.run("db-migrate.ts", [], env());
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`1 migration(s) to apply (${PENDING})`);
      expect(result.stderr).toContain(`Close Prisma Studio (or whatever holds ${sqliteFile()}`);
      expect(result.stderr).toContain(`Open in: ${holder!.pid} `);
      expect(result.stderr).not.toMatch(/SocketTimeout|\n\s+at /);
      expect(await probeTableExists()).toBe(false);
    } finally {
      await release();
    }
  });

  it("applies the pending migration once the file is free, then has nothing to apply", async () => {
    const result = await project.run("db-migrate.ts", [], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(PENDING);
    expect(result.stdout).toContain("All migrations have been successfully applied.");
    expect(await probeTableExists()).toBe(true);
    const again = await project.run("db-migrate.ts", [], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to apply.");
  });
});
