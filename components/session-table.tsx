import type { ReactNode } from "react";
import { Badge } from "@/components/ui";
import type { SessionSummary } from "@/lib/auth/session-admin";

const when = (date: Date) => date.toISOString().replace("T", " ").slice(0, 16) + " UTC";

/** A table of sessions; `actions` renders the buttons of one row. */
export function SessionTable({
  sessions,
  currentId,
  showUser = false,
  actions,
}: {
  sessions: SessionSummary[];
  currentId?: string | null;
  showUser?: boolean;
  actions: (session: SessionSummary) => ReactNode;
}) {
  if (sessions.length === 0) return <p className="text-sm text-slate-500">No active sessions.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="sessions-table">
        <thead className="border-b border-slate-200 text-slate-500">
          <tr>
            {showUser ? <th className="py-2 pr-4 font-medium">User</th> : null}
            <th className="py-2 pr-4 font-medium">Device</th>
            <th className="py-2 pr-4 font-medium">IP</th>
            <th className="py-2 pr-4 font-medium">Signed in</th>
            <th className="py-2 pr-4 font-medium">Last seen</th>
            <th className="py-2 pr-4 font-medium">Expires</th>
            <th className="py-2 font-medium" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {sessions.map((s) => (
            <tr key={s.id} data-session-id={s.id}>
              {showUser ? <td className="py-2 pr-4 font-medium">{s.userEmail}</td> : null}
              <td className="max-w-xs truncate py-2 pr-4" title={s.userAgent ?? undefined}>
                {s.id === currentId ? <Badge tone="emerald">this device</Badge> : null} {s.userAgent ?? "unknown"}
              </td>
              <td className="py-2 pr-4 text-slate-600">{s.ip ?? "—"}</td>
              <td className="py-2 pr-4 text-slate-600">{when(s.createdAt)}</td>
              <td className="py-2 pr-4 text-slate-600">{when(s.lastSeenAt)}</td>
              <td className="py-2 pr-4 text-slate-600">{when(s.expires)}</td>
              <td className="py-2 text-right">{actions(s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
