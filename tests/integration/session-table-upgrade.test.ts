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

const q = (name: string) => `"${name}"`;
const timestamp = (iso: string) => (provider === "sqlite" ? `'${iso}'` : `TIMESTAMP '${iso.replace("Z", "")}'`);

describe(`one session table upgrade (${provider})`, () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    expect(upgrade).toBeGreaterThan(0);
    database = await createEmptyDatabase(provider);
    for (const folder of folders.slice(0, upgrade)) await runScript(database.url, sql(folder));
    await runScript(
      database.url,
      [
        `INSERT INTO ${q("Role")} (${q("name")}) VALUES ('user');`,
        `INSERT INTO ${q("User")} (${q("id")}, ${q("email")}, ${q("roleName")}, ${q("updatedAt")}) VALUES ('u1', 'a@example.com', 'user', ${timestamp("2026-12-01T00:00:00.000Z")});`,
        `INSERT INTO ${q("Session")} (${q("id")}, ${q("sessionToken")}, ${q("userId")}, ${q("expires")}, ${q("createdAt")}, ${q("lastSeenAt")}, ${q("userAgent")}, ${q("ip")})
           VALUES ('db-session', 'hash-of-cookie', 'u1', ${timestamp("2027-01-01T00:00:00.000Z")}, ${timestamp("2026-12-01T10:00:00.000Z")}, ${timestamp("2026-12-01T11:00:00.000Z")}, 'Firefox', '10.0.0.1');`,
        `INSERT INTO ${q("JwtSession")} (${q("id")}, ${q("userId")}, ${q("expires")}, ${q("createdAt")}, ${q("lastSeenAt")}, ${q("userAgent")}, ${q("ip")})
           VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 'u1', ${timestamp("2027-01-02T00:00:00.000Z")}, ${timestamp("2026-12-02T10:00:00.000Z")}, ${timestamp("2026-12-02T11:00:00.000Z")}, 'Chrome', '10.0.0.2');`,
        `INSERT INTO ${q("SessionData")} (${q("key")}, ${q("name")}, ${q("data")}, ${q("updatedAt")}, ${q("sessionId")}) VALUES ('s:db-session', 'cart', '{"lines":[]}', ${timestamp("2026-12-01T12:00:00.000Z")}, 'db-session');`,
        `INSERT INTO ${q("SessionData")} (${q("key")}, ${q("name")}, ${q("data")}, ${q("updatedAt")}, ${q("jwtSessionId")}) VALUES ('s:AAAAAAAAAAAAAAAAAAAAAA', 'cart', '{"lines":[1]}', ${timestamp("2026-12-02T12:00:00.000Z")}, 'AAAAAAAAAAAAAAAAAAAAAA');`,
        `INSERT INTO ${q("SessionData")} (${q("key")}, ${q("name")}, ${q("data")}, ${q("updatedAt")}, ${q("expires")}) VALUES ('a:anonymous', 'cart', '{}', ${timestamp("2026-12-02T12:00:00.000Z")}, ${timestamp("2027-01-01T00:00:00.000Z")});`,
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
