import { parseAdminUserQuery } from "@/lib/admin-users-query";
import { listAdminUsers } from "@/lib/admin-users";
import { activeSessionRules, countActiveSessionsByUser } from "@/lib/auth/session-admin";
import { authorizeRequest, jsonResponse } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { PERMISSIONS } from "@/lib/permissions";

export const dynamic = "force-dynamic";

// GET /api/admin/users: one page of users, with the same query string as /admin (q, role, status, sort, dir, page)
// and the same rules: a malformed value falls back to its default and is named in `problems`, never a 4xx/5xx.
export async function GET(request: Request) {
  const { denied } = await authorizeRequest(PERMISSIONS.usersRead);
  if (denied) return denied;
  const db = getDb();
  const roles = (await db.role.findMany({ select: { name: true } })).map((role) => role.name);
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URL(request.url).searchParams) {
    const seen = params[name];
    params[name] = seen === undefined ? value : [seen, value].flat();
  }
  const { query, problems } = parseAdminUserQuery(params, { roles });
  const result = await listAdminUsers(db, query);
  const sessions = await countActiveSessionsByUser(
    db,
    result.users.map((u) => u.id),
    activeSessionRules(getEnv()),
  );
  return jsonResponse({
    users: result.users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.roleName,
      active: u.active,
      createdAt: u.createdAt.toISOString(),
      sessions: sessions.get(u.id) ?? 0,
    })),
    page: result.page,
    pageCount: result.pageCount,
    pageSize: result.pageSize,
    total: result.total,
    problems,
  });
}
