import "server-only";
import { isPostgresClient, type Db } from "./db";
import { Prisma } from "./generated/sqlite/client";
import { ADMIN_PAGE_SIZE, type AdminUserQuery, type SortColumn } from "./admin-users-query";
import { throttleKeys } from "./auth/throttle";

// One page of /admin's user list: search, filters, sort and paging done by the database, so the page costs the
// same with a hundred users or a hundred thousand. Explicit selects: hashes and tokens are never read.

export type AdminUserRow = {
  id: string;
  email: string;
  name: string | null;
  roleName: string;
  active: boolean;
  createdAt: Date;
};

export type AdminUserPage = {
  users: AdminUserRow[];
  /** Users matching the search and filters, on every page. */
  total: number;
  /** The page shown: the one asked for, or the last one when that is past the end. */
  page: number;
  pageCount: number;
  pageSize: number;
};

const userSelect = { id: true, email: true, name: true, roleName: true, active: true, createdAt: true } as const;

/** The most lockout rows the "locked" filter reads: lockouts are short-lived, so far fewer are running at once. */
const LOCKED_ROWS_LIMIT = 5_000;

// Column and direction come from fixed lists (never from the query string itself). A unique last key (id)
// makes every order total, so pages neither repeat nor skip users; it runs in the same direction as the first
// key, so one index on (column, id) serves both directions. Users without a name come last either way.
const ORDER_SQL: Record<SortColumn, (dir: string) => string> = {
  email: (dir) => `"email" ${dir}`,
  name: (dir) => `"name" ${dir} NULLS LAST, "id" ${dir}`,
  role: (dir) => `"roleName" ${dir}, "id" ${dir}`,
  created: (dir) => `"createdAt" ${dir}, "id" ${dir}`,
};

/** A LIKE pattern matching `q` anywhere, with LIKE's own wildcards (and the escape character) taken literally. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The user ids and emails with a sign-in lockout running now (the keys lib/auth/throttle.ts writes). */
async function lockedUserKeys(db: Db, now: Date) {
  const account = throttleKeys.account("");
  const passwordCheck = throttleKeys.passwordCheck("");
  const device = "device:";
  const rows = await db.signInThrottle.findMany({
    where: {
      lockedUntil: { gt: now },
      OR: [{ key: { startsWith: account } }, { key: { startsWith: passwordCheck } }, { key: { startsWith: device } }],
    },
    select: { key: true },
    take: LOCKED_ROWS_LIMIT,
  });
  const emails = new Set<string>();
  const ids = new Set<string>();
  for (const { key } of rows) {
    if (key.startsWith(account)) emails.add(key.slice(account.length));
    else if (key.startsWith(passwordCheck)) ids.add(key.slice(passwordCheck.length));
    else emails.add(key.slice(device.length, key.lastIndexOf(":")));
  }
  return { emails: [...emails], ids: [...ids] };
}

const inList = (column: string, values: string[]) =>
  values.length ? Prisma.sql`${Prisma.raw(column)} IN (${Prisma.join(values)})` : Prisma.sql`1 = 0`;

/**
 * The WHERE clause, as SQL with bound values. SQL rather than Prisma's `contains`, which passes `%` and `_`
 * through as wildcards (and SQLite's LIKE has no escape character unless the statement names one). SQLite's
 * LIKE ignores the case of ASCII letters. On PostgreSQL the name needs ILIKE; emails are stored lowercased
 * (lib/validation.ts emailSchema), so a plain LIKE with the pattern lowercased matches them at a fraction of
 * ILIKE's cost.
 */
async function userWhere(db: Db, query: AdminUserQuery, now: Date): Promise<Prisma.Sql> {
  const conditions: Prisma.Sql[] = [];
  if (query.q) {
    const pattern = containsPattern(query.q);
    conditions.push(
      isPostgresClient(db)
        ? Prisma.sql`("email" LIKE ${pattern.toLowerCase()} ESCAPE '\\' OR "name" ILIKE ${pattern} ESCAPE '\\')`
        : Prisma.sql`("email" LIKE ${pattern} ESCAPE '\\' OR "name" LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (query.role) conditions.push(Prisma.sql`"roleName" = ${query.role}`);
  // A bare boolean column reads the same on both databases (SQLite stores it as 0 or 1).
  if (query.status === "active") conditions.push(Prisma.sql`"active"`);
  if (query.status === "disabled") conditions.push(Prisma.sql`NOT "active"`);
  if (query.status === "locked") {
    const { emails, ids } = await lockedUserKeys(db, now);
    conditions.push(Prisma.sql`(${inList('"email"', emails)} OR ${inList('"id"', ids)})`);
  }
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

async function pageOfIds(db: Db, where: Prisma.Sql, query: AdminUserQuery, page: number, pageSize: number) {
  const order = Prisma.raw(ORDER_SQL[query.sort](query.dir === "desc" ? "DESC" : "ASC"));
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "User" ${where} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
  return rows.map((row) => row.id);
}

/** The page of users `query` asks for, with the total count and the number of pages. */
export async function listAdminUsers(
  db: Db,
  query: AdminUserQuery,
  { pageSize = ADMIN_PAGE_SIZE, now = new Date() }: { pageSize?: number; now?: Date } = {},
): Promise<AdminUserPage> {
  const where = await userWhere(db, query, now);
  // The count and the page run together; only a page past the end costs a second read (of the last page).
  const [counted, asked] = await Promise.all([
    db.$queryRaw<{ total: number | bigint }[]>`SELECT COUNT(*) AS "total" FROM "User" ${where}`,
    pageOfIds(db, where, query, query.page, pageSize),
  ]);
  const total = Number(counted[0]?.total ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(query.page, pageCount);
  const ids = page === query.page ? asked : await pageOfIds(db, where, query, page, pageSize);
  // The rows themselves through Prisma (typed, explicit columns), put back in the page's order.
  const rows = await db.user.findMany({ where: { id: { in: ids } }, select: userSelect });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const users = ids.flatMap((id) => byId.get(id) ?? []);
  return { users, total, page, pageCount, pageSize };
}
