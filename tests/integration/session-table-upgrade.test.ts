import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prismaPathsFor } from "../../lib/database-url";
import { createDb, type Db } from "../../lib/db";
import { parseEnv } from "../../lib/env";
import { migrationFolders } from "../../lib/migration-status";
import { createEmptyDatabase, projectRoot, testProvider, type TestDatabase } from "../../harness/databases";
import { TEST_SECRET } from "../support/test-env";

// The upgrade from two session tables (Session, JwtSession) to one: a database with signed-in browsers of both
// strategies and their session data, at the migration before, is migrated by the committed SQL; every session
// keeps its id (a JWT's `sid` still names its row), its times and its data.
const provider = testProvider();
const migrationsDir = join(projectRoot, prismaPathsFor(provider).migrations);
const folders = migrationFolders(migrationsDir)!;
const upgrade = folders.findIndex((name) => name.endsWith("_one_session_table"));
const sql = (folder: string) => readFileSync(join(migrationsDir, folder, "migration.sql"), "utf8");

async function runScript(url: string, script: string): Promise<void> {
  if (provider === "sqlite") {
    const connection = new Database(url.replace(/^file:/, ""));
    try {
      connection.exec(script);
    } finally {
      connection.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(script);
  } finally {
    await client.end();
  }
}

/** A UTC timestamp literal as Prisma stores it on each database. */
const at = (iso: string) =>
  provider === "sqlite" ? `'${iso.replace("Z", ".000Z")}'` : `TIMESTAMP '${iso.replace("Z", "")}'`;
const times = (expires: string, createdAt: string, lastSeenAt: string) => ({
  expires: at(expires),
  createdAt: at(createdAt),
  lastSeenAt: at(lastSeenAt),
});

/** INSERT of one row, the values given as SQL literals. */
function insert(table: string, row: Record<string, string>): string {
  const columns = Object.keys(row).map((column) => `"${column}"`);
  return `INSERT INTO "${table}" (${columns.join(", ")}) VALUES (${Object.values(row).join(", ")});`;
}

describe(`one session table upgrade (${provider})`, () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    expect(upgrade).toBeGreaterThan(0);
    database = await createEmptyDatabase(provider);
    for (const folder of folders.slice(0, upgrade)) await runScript(database.url, sql(folder));
    const jwtSid = "AAAAAAAAAAAAAAAAAAAAAA";
    await runScript(
      database.url,
      [
        insert("Role", { name: "'user'" }),
        insert("User", {
          id: "'u1'",
          email: "'a@example.com'",
          roleName: "'user'",
          updatedAt: at("2026-12-01T00:00:00Z"),
        }),
        insert("Session", {
          ...times("2027-01-01T00:00:00Z", "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"),
          id: "'db-session'",
          sessionToken: "'hash-of-cookie'",
          userId: "'u1'",
          userAgent: "'Firefox'",
          ip: "'10.0.0.1'",
        }),
        insert("JwtSession", {
          ...times("2027-01-02T00:00:00Z", "2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z"),
          id: `'${jwtSid}'`,
          userId: "'u1'",
          userAgent: "'Chrome'",
          ip: "'10.0.0.2'",
        }),
        insert("SessionData", {
          key: "'s:db-session'",
          name: "'cart'",
          data: `'{"lines":[]}'`,
          updatedAt: at("2026-12-01T12:00:00Z"),
          sessionId: "'db-session'",
        }),
        insert("SessionData", {
          key: `'s:${jwtSid}'`,
          name: "'cart'",
          data: `'{"lines":[1]}'`,
          updatedAt: at("2026-12-02T12:00:00Z"),
          jwtSessionId: `'${jwtSid}'`,
        }),
        insert("SessionData", {
          key: "'a:anonymous'",
          name: "'cart'",
          data: "'{}'",
          updatedAt: at("2026-12-02T12:00:00Z"),
          expires: at("2027-01-01T00:00:00Z"),
        }),
      ].join("\n"),
    );
    for (const folder of folders.slice(upgrade)) await runScript(database.url, sql(folder));
    db = createDb(parseEnv({ NODE_ENV: "test", AUTH_SECRET: TEST_SECRET, DATABASE_URL: database.url }));
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("keeps every session of both strategies with its id, times and browser, and says which strategy made it", async () => {
    const rows = await db.session.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows).toEqual([
      {
        id: "db-session",
        strategy: "database",
        sessionToken: "hash-of-cookie",
        userId: "u1",
        expires: new Date("2027-01-01T00:00:00.000Z"),
        createdAt: new Date("2026-12-01T10:00:00.000Z"),
        lastSeenAt: new Date("2026-12-01T11:00:00.000Z"),
        userAgent: "Firefox",
        ip: "10.0.0.1",
      },
      {
        id: "AAAAAAAAAAAAAAAAAAAAAA",
        strategy: "jwt",
        sessionToken: null,
        userId: "u1",
        expires: new Date("2027-01-02T00:00:00.000Z"),
        createdAt: new Date("2026-12-02T10:00:00.000Z"),
        lastSeenAt: new Date("2026-12-02T11:00:00.000Z"),
        userAgent: "Chrome",
        ip: "10.0.0.2",
      },
    ]);
  });

  it("keeps each session's data attached to it, and anonymous data as it was", async () => {
    const data = await db.sessionData.findMany({ orderBy: { key: "asc" }, select: { key: true, sessionId: true } });
    expect(data).toEqual([
      { key: "a:anonymous", sessionId: null },
      { key: "s:AAAAAAAAAAAAAAAAAAAAAA", sessionId: "AAAAAAAAAAAAAAAAAAAAAA" },
      { key: "s:db-session", sessionId: "db-session" },
    ]);
  });

  it("still deletes a session's data with the session, and the old table is gone", async () => {
    await db.session.delete({ where: { id: "AAAAAAAAAAAAAAAAAAAAAA" } });
    expect(await db.sessionData.count({ where: { key: "s:AAAAAAAAAAAAAAAAAAAAAA" } })).toBe(0);
    expect(await db.sessionData.count()).toBe(2);
    await expect(db.$queryRawUnsafe(`SELECT * FROM "JwtSession"`)).rejects.toThrow();
  });
});
