import { Card } from "@/components/ui";
import { listAdminUsers } from "@/lib/admin-users";
import { ADMIN_PAGE_SIZE, adminUsersHref, parseAdminUserQuery, type SearchParams } from "@/lib/admin-users-query";
import {
  activeSessionRules,
  countActiveSessions,
  countActiveSessionsByUser,
  listActiveSessions,
} from "@/lib/auth/session-admin";
import { lockedAccounts } from "@/lib/auth/throttle";
import { getCurrentSessionId, requirePermission } from "@/lib/dal";
import { getDb, type Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { hasPermission, PERMISSIONS } from "@/lib/permissions";
import { ActiveSessions, type ActiveSessionsPage } from "./active-sessions";
import { Pagination } from "./pagination";
import { QueryNotice } from "./query-notice";
import { UserFilters } from "./user-filters";
import { UsersTable } from "./users-table";

export const metadata = { title: "Admin · Auth Starter" };

// /admin: one page of users (search, filters, sort and page in the query string) and one page of active
// sessions. Everything is read per page, so the page stays the same size however many users there are.

type Rules = ReturnType<typeof activeSessionRules>;

async function activeSessionsPage(db: Db, rules: Rules, asked: number): Promise<ActiveSessionsPage> {
  const take = ADMIN_PAGE_SIZE;
  const list = (page: number) => listActiveSessions(db, { ...rules, skip: (page - 1) * take, take });
  const [total, sessions] = await Promise.all([countActiveSessions(db, rules), list(asked)]);
  const pageCount = Math.max(1, Math.ceil(total / take));
  const page = Math.min(asked, pageCount);
  return { sessions: page === asked ? sessions : await list(page), total, page, pageCount };
}

export default async function AdminPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { user: me } = await requirePermission(PERMISSIONS.usersRead);
  const db = getDb();
  const canWrite = hasPermission(me, PERMISSIONS.usersWrite);
  const canReadSessions = hasPermission(me, PERMISSIONS.sessionsRead);
  const canRevoke = hasPermission(me, PERMISSIONS.sessionsRevoke);
  const rules = activeSessionRules(getEnv());

  const roles = (await db.role.findMany({ select: { name: true }, orderBy: { name: "asc" } })).map((r) => r.name);
  const { query, problems } = parseAdminUserQuery(await searchParams, { roles });
  const [result, sessions, currentId] = await Promise.all([
    listAdminUsers(db, query),
    canReadSessions ? activeSessionsPage(db, rules, query.sessionsPage) : Promise.resolve(null),
    getCurrentSessionId(),
  ]);
  const ids = result.users.map((u) => u.id);
  const [locked, sessionCounts] = await Promise.all([
    lockedAccounts(db, result.users),
    canReadSessions ? countActiveSessionsByUser(db, ids, rules) : Promise.resolve(undefined),
  ]);
  const first = result.total === 0 ? 0 : (result.page - 1) * result.pageSize + 1;
  const last = (result.page - 1) * result.pageSize + result.users.length;
  const pageQuery = { ...query, page: result.page };

  return (
    <div className="min-w-0 space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Users</h1>
      <QueryNotice problems={problems} />
      <Card className="space-y-4">
        <UserFilters query={query} roles={roles} />
        <p className="text-sm text-muted-foreground" role="status" data-testid="users-summary">
          {result.total === 0
            ? "No users match."
            : `Showing ${first.toLocaleString("en-US")}–${last.toLocaleString("en-US")} of ${result.total.toLocaleString("en-US")} ${result.total === 1 ? "user" : "users"}`}
        </p>
        <UsersTable
          users={result.users}
          query={pageQuery}
          roles={roles}
          meId={me.id}
          locked={locked}
          sessionCounts={sessionCounts}
          canWrite={canWrite}
          canRevoke={canRevoke}
        />
        <Pagination
          page={result.page}
          pageCount={result.pageCount}
          href={(page) => adminUsersHref(pageQuery, { page })}
          label="User list pages"
          testId="users-pagination"
        />
      </Card>
      {sessions ? (
        <ActiveSessions list={sessions} query={pageQuery} currentId={currentId} canRevoke={canRevoke} />
      ) : null}
    </div>
  );
}
