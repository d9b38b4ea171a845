import {
  revokeSessionAction,
  revokeUserSessionsAction,
  setUserActiveAction,
  setUserRoleAction,
  unlockUserAction,
} from "@/app/actions/admin";
import { SessionTable } from "@/components/session-table";
import { Badge, Card } from "@/components/ui";

import { lockedAccounts } from "@/lib/auth/throttle";
import { getCurrentSessionId, requirePermission } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { hasPermission, PERMISSIONS } from "@/lib/permissions";
import { activeSessionRules, listActiveSessions } from "@/lib/auth/session-admin";
import { listUsers } from "@/lib/users";

export const metadata = { title: "Admin · Auth Starter" };

const smallButton =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50";

export default async function AdminPage() {
  const { user: me } = await requirePermission(PERMISSIONS.usersRead);
  const db = getDb();
  const canWrite = hasPermission(me, PERMISSIONS.usersWrite);
  const canReadSessions = hasPermission(me, PERMISSIONS.sessionsRead);
  const canRevoke = hasPermission(me, PERMISSIONS.sessionsRevoke);
  const [users, roles, sessions, currentId] = await Promise.all([
    listUsers(db),
    db.role.findMany({ select: { name: true }, orderBy: { name: "asc" } }),
    canReadSessions ? listActiveSessions(db, activeSessionRules(getEnv())) : Promise.resolve([]),
    getCurrentSessionId(),
  ]);
  const locked = await lockedAccounts(db, users);
  const sessionCount = new Map<string, number>();
  for (const s of sessions) sessionCount.set(s.userId, (sessionCount.get(s.userId) ?? 0) + 1);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Users</h1>
      <Card>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="users-table">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="py-2 pr-4 font-medium">Email</th>
                <th className="py-2 pr-4 font-medium">Name</th>
                <th className="py-2 pr-4 font-medium">Role</th>
                <th className="py-2 pr-4 font-medium">Status</th>
                {canReadSessions ? <th className="py-2 pr-4 font-medium">Sessions</th> : null}
                <th className="py-2 pr-4 font-medium">Created</th>
                <th className="py-2 font-medium" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.map((u) => (
                <tr key={u.id} data-user-email={u.email}>
                  <td className="py-2 pr-4 font-medium">{u.email}</td>
                  <td className="py-2 pr-4">{u.name ?? "—"}</td>
                  <td className="py-2 pr-4">
                    {canWrite && u.id !== me.id ? (
                      <form action={setUserRoleAction} className="flex items-center gap-1">
                        <input type="hidden" name="userId" value={u.id} />
                        <select
                          name="role"
                          defaultValue={u.roleName}
                          aria-label={`Role of ${u.email}`}
                          className="rounded-md border border-slate-300 px-1.5 py-1 text-xs"
                        >
                          {roles.map((r) => (
                            <option key={r.name} value={r.name}>
                              {r.name}
                            </option>
                          ))}
                        </select>
                        <button type="submit" className={smallButton}>
                          Save
                        </button>
                      </form>
                    ) : (
                      <Badge tone={u.roleName === "admin" ? "amber" : "slate"}>{u.roleName}</Badge>
                    )}
                  </td>
                  <td className="space-x-1 py-2 pr-4">
                    {u.active ? <Badge tone="emerald">active</Badge> : <Badge tone="rose">disabled</Badge>}
                    {locked.has(u.id) ? (
                      <span title={`Sign-in locked until ${locked.get(u.id)!.toISOString().slice(11, 16)} UTC`}>
                        <Badge tone="amber">locked</Badge>
                      </span>
                    ) : null}
                  </td>
                  {canReadSessions ? <td className="py-2 pr-4 text-slate-600">{sessionCount.get(u.id) ?? 0}</td> : null}
                  <td className="py-2 pr-4 text-slate-500">{u.createdAt.toISOString().slice(0, 10)}</td>
                  <td className="flex justify-end gap-2 py-2">
                    {canRevoke ? (
                      <form action={revokeUserSessionsAction}>
                        <input type="hidden" name="userId" value={u.id} />
                        <button type="submit" className={smallButton}>
                          End sessions
                        </button>
                      </form>
                    ) : null}
                    {canWrite && locked.has(u.id) ? (
                      <form action={unlockUserAction}>
                        <input type="hidden" name="userId" value={u.id} />
                        <button type="submit" className={smallButton}>
                          Unlock
                        </button>
                      </form>
                    ) : null}
                    {canWrite && u.id !== me.id ? (
                      <form action={setUserActiveAction}>
                        <input type="hidden" name="userId" value={u.id} />
                        <input type="hidden" name="active" value={u.active ? "false" : "true"} />
                        <button type="submit" className={smallButton}>
                          {u.active ? "Disable" : "Enable"}
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      {canReadSessions ? (
        <>
          <h2 className="text-xl font-semibold tracking-tight">Active sessions</h2>
          <Card>
            <SessionTable
              sessions={sessions}
              currentId={currentId}
              showUser
              actions={(s) =>
                canRevoke ? (
                  <form action={revokeSessionAction}>
                    <input type="hidden" name="sessionId" value={s.id} />
                    <button type="submit" className="text-sm font-medium text-rose-600 hover:underline">
                      End
                    </button>
                  </form>
                ) : null
              }
            />
          </Card>
        </>
      ) : null}
    </div>
  );
}
