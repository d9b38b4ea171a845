import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db";
import { parseEnv } from "../../lib/env";
import { prismaPathsFor, type DatabaseProvider } from "../../lib/database-url";
import { cloneTemplate, type TestDatabase } from "../../harness/databases";
import { scriptEnv } from "../support/cli";
import { copyProject, type ProjectCopy } from "../support/project-copy";
import { holdSqliteFile } from "../support/sqlite-holder";

// `npm run db:change -- --name <name>` in a copy of the project (it writes prisma/ and lib/generated/): after an
// edit of prisma/schema.prisma it syncs the PostgreSQL schema, writes one migration per provider, applies it to
// the configured database and regenerates both clients. With TEST_DATABASE_PROVIDER=sqlite the PostgreSQL
// migration comes from the previous PostgreSQL schema; with postgresql, from replaying the PostgreSQL migrations.

const template = inject("templateDatabase");
const PROVIDERS: DatabaseProvider[] = ["sqlite", "postgresql"];

describe(`npm run db:change (${template.provider} configured)`, () => {
  let project: ProjectCopy;
  let database: TestDatabase;
  const env = () => scriptEnv(database.url);
  const file = (path: string) => readFileSync(join(project.root, path), "utf8");
  const migrations = (provider: DatabaseProvider) =>
    readdirSync(join(project.root, prismaPathsFor(provider).migrations)).filter((name) => /^\d{14}_/.test(name));
  const prismaState = () => ({
    postgresSchema: file(prismaPathsFor("postgresql").schema),
    sqlite: migrations("sqlite"),
    postgresql: migrations("postgresql"),
  });
  const userColumns = async () => {
    const db = createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: database.url }));
    try {
      const sql =
        template.provider === "sqlite"
          ? `SELECT name FROM pragma_table_info('User')`
          : `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'User'`;
      return (await db.$queryRawUnsafe<{ name: string }[]>(sql)).map((row) => row.name);
    } finally {
      await db.$disconnect();
    }
  };

  beforeAll(async () => {
    project = copyProject();
    database = await cloneTemplate(template);
  });
  afterAll(async () => {
    await database?.drop();
    project?.remove();
  });

  it("refuses a missing or malformed --name and unknown flags, changing nothing", async () => {
    const before = prismaState();
    const cases: [string[], string][] = [
      [[], "--name is required; nothing was changed."],
      [["--name", "Add Bio"], "--name must be lowercase letters, digits and underscores, starting with a letter"],
      [["--name", "1st"], "--name must be lowercase letters"],
      [["--name"], "argument missing; nothing was changed."],
      [["--name", "add_bio", "--force"], "Unknown option --force; nothing was changed."],
    ];
    const results = await Promise.all(cases.map(([args]) => project.run("db-change.ts", args, env())));
    for (const [index, [args, message]] of cases.entries()) {
      expect(results[index].code, args.join(" ")).toBe(1);
      expect(results[index].stderr).toContain(message);
    }
    expect(prismaState()).toEqual(before);
  });

  it("says there is nothing to change when the schema matches the migrations, and writes none", async () => {
    const before = prismaState();
    const result = await project.run("db-change.ts", ["--name", "nothing"], env());
    expect(result.stderr).not.toContain("Error");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("nothing to change, no migration written");
    expect(prismaState()).toEqual(before);
  });

  it.runIf(template.provider === "sqlite")(
    "refuses before writing anything while the SQLite file is held open (Prisma Studio)",
    async () => {
      const before = prismaState();
      const holder = await holdSqliteFile(database.url.slice("file:".length));
      try {
        const result = await project.run("db-change.ts", ["--name", "held"], env());
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("Close Prisma Studio (or whatever holds");
      } finally {
        await holder.release();
      }
      expect(prismaState()).toEqual(before);
    },
  );

  it("after an edit of prisma/schema.prisma: both migrations, the synced schema, the database and both clients", async () => {
    const schemaPath = join(project.root, "prisma/schema.prisma");
    const schema = readFileSync(schemaPath, "utf8");
    const edited = schema.replace(/^(model User \{\n)/m, "$1  bio           String?\n");
    expect(edited).not.toBe(schema);
    writeFileSync(schemaPath, edited);
    const before = prismaState();

    const result = await project.run("db-change.ts", ["--name", "add_bio"], env());
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);

    for (const provider of PROVIDERS) {
      const added = migrations(provider).filter((name) => !before[provider].includes(name));
      expect(added, provider).toHaveLength(1);
      expect(added[0]).toMatch(/^\d{14}_add_bio$/);
      expect(migrations(provider).at(-1)).toBe(added[0]); // sorts after every existing migration
      const sql = file(join(prismaPathsFor(provider).migrations, added[0], "migration.sql"));
      expect(sql).toMatch(/ALTER TABLE "User" ADD COLUMN\s+"bio" TEXT;/);
      expect(sql).not.toMatch(/DROP|CREATE TABLE/); // only the change, not a replay of existing tables
    }
    expect(file(prismaPathsFor("postgresql").schema)).toMatch(/^\s+bio\s+String\?$/m);
    expect(await userColumns()).toContain("bio");
    for (const client of ["sqlite", "postgresql"]) {
      expect(file(`lib/generated/${client}/models/User.ts`)).toContain("bio");
    }

    // The sync check the test suite runs agrees.
    const check = await project.run("sync-schemas.mjs", ["--check"], env());
    expect(check.code).toBe(0);
  }, 180_000); // two diffs, a migration and two client generations: about 30 s, more on a busy machine
});
