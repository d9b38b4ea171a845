import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseProvider } from "../lib/database-url";
import { hashToken } from "../lib/auth/random-token";

// Many Session rows, fast, with cookie tokens the benchmark can recompute: row i's cookie value is
// base64url(sha256("bench-" + i)) (43 characters, the shape of a real token) and, as in the app, the row stores
// the SHA-256 hex of that value (lib/auth/random-token.ts). Written straight to the database, not through Prisma:
// a million Prisma creates would take longer than the whole benchmark may.

export function benchToken(i: number): string {
  return createHash("sha256").update(`bench-${i}`).digest("base64url");
}

export type SessionRowRange = { userId: string; from: number; to: number; expires: Date; createdAt: Date };

// Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit +00:00 offset, and the app
// compares those strings; the same format keeps ordering and comparisons correct.
const sqliteDate = (date: Date) => date.toISOString().replace("Z", "+00:00");
// PostgreSQL columns are TIMESTAMP(3) without time zone holding UTC wall time.
const postgresDate = (date: Date) => date.toISOString().replace("Z", "");

const sqlitePath = (url: string) => url.replace(/^file:/, "");

function insertSqlite(url: string, range: SessionRowRange): void {
  const db = new Database(sqlitePath(url));
  try {
    // This connection only: no fsync per page and a cache big enough for the random-order token index.
    // The file's own settings (journal mode) stay as the app left them.
    db.pragma("busy_timeout = 5000");
    db.pragma("synchronous = OFF");
    db.pragma("cache_size = -262144");
    const insert = db.prepare(
      'INSERT INTO "Session" ("id", "sessionToken", "userId", "expires", "createdAt", "lastSeenAt") VALUES (?, ?, ?, ?, ?, ?)',
    );
    const expires = sqliteDate(range.expires);
    const createdAt = sqliteDate(range.createdAt);
    db.transaction(() => {
      for (let i = range.from; i < range.to; i++) {
        insert.run(
          `bench${String(i).padStart(8, "0")}`,
          hashToken(benchToken(i)),
          range.userId,
          expires,
          createdAt,
          createdAt,
        );
      }
    })();
  } finally {
    db.close();
  }
}

// The same tokens computed inside PostgreSQL (sha256() is built in since version 11), so no rows cross the wire.
const POSTGRES_INSERT = `
  INSERT INTO "Session" ("id", "sessionToken", "userId", "expires", "createdAt", "lastSeenAt")
  SELECT 'bench' || lpad(i::text, 8, '0'),
         encode(sha256(convert_to(translate(rtrim(encode(sha256(convert_to('bench-' || i, 'UTF8')), 'base64'), '='), '+/', '-_'), 'UTF8')), 'hex'),
         $1, $2::timestamp, $3::timestamp, $3::timestamp
  FROM generate_series($4::int, $5::int) AS i`;

const POSTGRES_CHUNK = 250_000;

async function insertPostgres(url: string, range: SessionRowRange): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Chunks keep each statement's memory and WAL burst moderate on a shared machine.
    for (let from = range.from; from < range.to; from += POSTGRES_CHUNK) {
      const to = Math.min(range.to, from + POSTGRES_CHUNK);
      await client.query(POSTGRES_INSERT, [
        range.userId,
        postgresDate(range.expires),
        postgresDate(range.createdAt),
        from,
        to - 1,
      ]);
    }
    // Autovacuum would get to a table this size soon after such a load; do it now, so lookups see a settled
    // table (statistics, visibility map, hint bits) instead of paying for the load's after-effects.
    await client.query('VACUUM (ANALYZE) "Session"');
  } finally {
    await client.end();
  }
}

/** Inserts Session rows from..to-1 (see benchToken) for one user. */
export async function insertSessions(provider: DatabaseProvider, url: string, range: SessionRowRange): Promise<void> {
  if (range.to <= range.from) return;
  if (provider === "sqlite") insertSqlite(url, range);
  else await insertPostgres(url, range);
}

/** The SQLite journal mode of a database file ("delete", "wal", …). */
export function sqliteJournalMode(url: string): string {
  const db = new Database(sqlitePath(url));
  try {
    return String(db.pragma("journal_mode", { simple: true }));
  } finally {
    db.close();
  }
}
