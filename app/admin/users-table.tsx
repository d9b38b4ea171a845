import Link from "next/link";
import {
  setUserActiveAction,
  setUserRoleAction,
  revokeUserSessionsAction,
  unlockUserAction,
} from "@/app/actions/admin";
import { RoleBadge } from "@/components/role-badge";
import { Badge } from "@/components/ui";
import { buttonClasses } from "@/components/ui/button-styles";
import { ConfirmButton } from "@/components/ui/confirm-button";
import type { AdminUserRow } from "@/lib/admin-users";
import { adminUsersHref, type AdminUserQuery, type SortColumn } from "@/lib/admin-users-query";
import { formatDateTime } from "@/lib/format-date";

const smallButton = buttonClasses({ variant: "secondary", size: "sm" });
const dangerButton = buttonClasses({
  variant: "secondary",
  size: "sm",
  className: "text-destructive hover:bg-destructive/10",
});

function SortHeader({ query, column, label }: { query: AdminUserQuery; column: SortColumn; label: string }) {
  const active = query.sort === column;
  // A click on the current column flips its direction; another column starts ascending. Either way from page 1.
  const dir = active && query.dir === "asc" ? "desc" : "asc";
  return (
    <th
      scope="col"
      className="py-2 pr-4 font-medium"
      aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}
    >
      <Link
        href={adminUsersHref(query, { sort: column, dir, page: 1 })}
        className="inline-flex items-center gap-1 hover:text-foreground"
        data-sort={column}
      >
        {label}
        <span aria-hidden="true">{active ? (query.dir === "asc" ? "▲" : "▼") : "↕"}</span>
      </Link>
    </th>
  );
}

export type UsersTableProps = {
  users: AdminUserRow[];
  query: AdminUserQuery;
  roles: string[];
  meId: string;
  locked: Map<string, Date>;
  /** Active sessions per listed user; absent without sessions:read. */
  sessionCounts?: Map<string, number>;
  canWrite: boolean;
  canRevoke: boolean;
};

export function UsersTable({ users, query, roles, meId, locked, sessionCounts, canWrite, canRevoke }: UsersTableProps) {
  if (users.length === 0) {
    return (
      <p className="text-sm text-muted-foreground" data-testid="users-empty">
        No users match.
      </p>
    );
  }
  return (
    // The table scrolls inside its card, so a narrow screen never makes the page wider than the viewport.
    // `relative` keeps absolutely positioned content (the sr-only header) inside the scrolling box too.
    <div className="relative -mx-4 overflow-x-auto px-4 sm:-mx-6 sm:px-6">
      <table className="w-full min-w-[44rem] text-left text-sm" data-testid="users-table">
        <thead className="border-b border-border text-muted-foreground">
          <tr>
            <SortHeader query={query} column="email" label="Email" />
            <SortHeader query={query} column="name" label="Name" />
            <SortHeader query={query} column="role" label="Role" />
            <th scope="col" className="py-2 pr-4 font-medium">
              Status
            </th>
            {sessionCounts ? (
              <th scope="col" className="py-2 pr-4 font-medium">
                Sessions
              </th>
            ) : null}
            <SortHeader query={query} column="created" label="Created" />
            <th scope="col" className="py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-border">
          {users.map((u) => {
            const lockedUntil = locked.get(u.id);
            const editable = canWrite && u.id !== meId;
            return (
              <tr key={u.id} data-user-email={u.email}>
                <td className="max-w-[16rem] truncate py-2 pr-4 font-medium" title={u.email}>
                  {u.email}
                </td>
                <td className="max-w-[12rem] truncate py-2 pr-4">{u.name ?? "—"}</td>
                <td className="py-2 pr-4">
                  {editable ? (
                    <form action={setUserRoleAction} className="flex items-center gap-1">
                      <input type="hidden" name="userId" value={u.id} />
                      <select
                        name="role"
                        defaultValue={u.roleName}
                        aria-label={`Role of ${u.email}`}
                        className="rounded-md border border-input bg-card px-1.5 py-1 text-xs text-foreground"
                      >
                        {roles.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                      <button type="submit" className={smallButton}>
                        Save
                      </button>
                    </form>
                  ) : (
                    <RoleBadge role={u.roleName} />
                  )}
                </td>
                <td className="space-x-1 py-2 pr-4 whitespace-nowrap">
                  {u.active ? <Badge tone="emerald">active</Badge> : <Badge tone="rose">disabled</Badge>}
                  {lockedUntil ? (
                    <span title={`Sign-in locked until ${formatDateTime(lockedUntil)}`}>
                      <Badge tone="amber">locked</Badge>
                    </span>
                  ) : null}
                </td>
                {sessionCounts ? (
                  <td className="py-2 pr-4 text-muted-foreground" data-testid="session-count">
                    {sessionCounts.get(u.id) ?? 0}
                  </td>
                ) : null}
                <td className="py-2 pr-4 whitespace-nowrap text-muted-foreground">{formatDateTime(u.createdAt)}</td>
                <td className="py-2">
                  <div className="flex justify-end gap-2">
                    {canRevoke ? (
                      <form action={revokeUserSessionsAction}>
                        <input type="hidden" name="userId" value={u.id} />
                        <ConfirmButton
                          title={`End every session of ${u.email}?`}
                          description="Each of their browsers is signed out and has to sign in again."
                          confirmLabel="End sessions"
                          destructive
                          className={dangerButton}
                        >
                          End sessions
                        </ConfirmButton>
                      </form>
                    ) : null}
                    {canWrite && lockedUntil ? (
                      <form action={unlockUserAction}>
                        <input type="hidden" name="userId" value={u.id} />
                        <button type="submit" className={smallButton}>
                          Unlock
                        </button>
                      </form>
                    ) : null}
                    {editable ? (
                      <form action={setUserActiveAction}>
                        <input type="hidden" name="userId" value={u.id} />
                        <input type="hidden" name="active" value={u.active ? "false" : "true"} />
                        {u.active ? (
                          <ConfirmButton
                            title={`Disable ${u.email}?`}
                            description="They cannot sign in until the account is enabled again, and every session of theirs ends now."
                            confirmLabel="Disable"
                            destructive
                            className={dangerButton}
                          >
                            Disable
                          </ConfirmButton>
                        ) : (
                          <button type="submit" className={smallButton}>
                            Enable
                          </button>
                        )}
                      </form>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
