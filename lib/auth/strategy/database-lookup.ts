import Database from "better-sqlite3";
import type { Pool } from "pg";
import type { Db } from "../../db";
import { postgresPoolOf } from "../../db";
import type { Env } from "../../env";
import type { SessionClaims } from "../claims";

// The one query every database-mode request makes: a session by token hash, with the user's claims.
// Through Prisma this is three queries (session, user, role permissions) plus the client's own overhead; as one
// prepared SQL statement on the driver it is a single indexed read (`npm run bench`, scale phase). Writes stay
// with Prisma.
// Timestamps are read as epoch milliseconds so no driver or server time zone can shift them.

export type SessionRow = {
  id: string;
  expiresMs: number;
  createdAtMs: number;
  lastSeenAtMs: number;
  active: boolean;
  claims: SessionClaims;
};

type SessionLookup = (tokenHash: string) => Promise<SessionRow | null>;

type RawRow = {
  id: string;
  expiresMs: number | string;
  createdAtMs: number | string;
  lastSeenAtMs: number | string;
  userId: string;
  email: string;
  name: string | null;
  active: number | boolean;
  roleName: string;
  permissions: string | null;
};

function toSessionRow(row: RawRow | undefined): SessionRow | null {
  if (!row) return null;
  return {
    id: row.id,
    expiresMs: Math.round(Number(row.expiresMs)),
    createdAtMs: Math.round(Number(row.createdAtMs)),
    lastSeenAtMs: Math.round(Number(row.lastSeenAtMs)),
    active: Boolean(row.active),
    claims: {
      id: row.userId,
      email: row.email,
      name: row.name,
      role: row.roleName,
      // Sorted like Prisma's orderBy: { permissionName: "asc" } in claims.ts.
      permissions: row.permissions ? row.permissions.split(" ").sort() : [],
    },
  };
}

const SQLITE_LOOKUP = `
  SELECT s.id,
    (julianday(s.expires) - 2440587.5) * 86400000.0 AS expiresMs,
    (julianday(s.createdAt) - 2440587.5) * 86400000.0 AS createdAtMs,
    (julianday(s.lastSeenAt) - 2440587.5) * 86400000.0 AS lastSeenAtMs,
    u.id AS userId, u.email, u.name, u.active, u.roleName,
    (SELECT group_concat(rp.permissionName, ' ') FROM RolePermission rp WHERE rp.roleName = u.roleName) AS permissions
  FROM Session s JOIN User u ON u.id = s.userId
  WHERE s.sessionToken = ? AND s.strategy = 'database'`;

const POSTGRES_LOOKUP = `
  SELECT s."id",
    EXTRACT(EPOCH FROM s."expires") * 1000 AS "expiresMs",
    EXTRACT(EPOCH FROM s."createdAt") * 1000 AS "createdAtMs",
    EXTRACT(EPOCH FROM s."lastSeenAt") * 1000 AS "lastSeenAtMs",
    u."id" AS "userId", u."email", u."name", u."active", u."roleName",
    (SELECT string_agg(rp."permissionName", ' ') FROM "RolePermission" rp WHERE rp."roleName" = u."roleName") AS "permissions"
  FROM "Session" s JOIN "User" u ON u."id" = s."userId"
  WHERE s."sessionToken" = $1 AND s."strategy" = 'database'`;

function sqliteLookup(url: string): SessionLookup {
  // Its own connection to the same file (relative paths resolve from the working directory, as in the adapter).
  const connection = new Database(url.replace(/^file:/, ""), { timeout: 5_000 });
  // WAL lets this reader run while another connection or process writes (sign-ins, purges).
  connection.pragma("journal_mode = WAL");
  const statement = connection.prepare<[string], RawRow>(SQLITE_LOOKUP);
  return async (tokenHash) => toSessionRow(statement.get(tokenHash));
}

function postgresLookup(pool: Pool): SessionLookup {
  // A named prepared statement: parsed and planned once per pooled connection.
  const query = { name: "session-by-token-hash", text: POSTGRES_LOOKUP };
  return async (tokenHash) => toSessionRow((await pool.query<RawRow>({ ...query, values: [tokenHash] })).rows[0]);
}

const lookups = new WeakMap<Db, SessionLookup>();

/** The session lookup for this database client (one per client, sharing its PostgreSQL pool). */
export function sessionLookupFor(db: Db, env: Pick<Env, "DATABASE_URL" | "databaseProvider">): SessionLookup {
  let lookup = lookups.get(db);
  if (!lookup) {
    lookup = env.databaseProvider === "sqlite" ? sqliteLookup(env.DATABASE_URL) : postgresLookup(postgresPoolOf(db));
    lookups.set(db, lookup);
  }
  return lookup;
}
