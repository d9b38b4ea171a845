import type { ReactNode } from "react";
import { Badge } from "@/components/ui";
import type { SessionSummary } from "@/lib/auth/session-admin";
import { browserInWords } from "@/lib/browser-name";
import { formatDateTime } from "@/lib/format-date";

// Wide screens (lg) get a table; narrow ones the same rows as stacked cards, each value under its column's name
// (from data-label), so nothing scrolls sideways.
const cell = "flex justify-between gap-4 py-1 lg:table-cell lg:py-2 lg:pr-4";
const labelled = `${cell} before:font-medium before:text-muted-foreground before:content-[attr(data-label)] lg:before:content-none`;

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
  if (sessions.length === 0) return <p className="text-sm text-muted-foreground">No active sessions.</p>;
  return (
    <table className="block w-full text-left text-sm lg:table" data-testid="sessions-table">
      <thead className="hidden border-b border-border text-muted-foreground lg:table-header-group">
        <tr>
          {showUser ? <th className="py-2 pr-4 font-medium">User</th> : null}
          <th className="py-2 pr-4 font-medium">Device</th>
          <th className="py-2 pr-4 font-medium">IP</th>
          <th className="py-2 pr-4 font-medium">Signed in</th>
          <th className="py-2 pr-4 font-medium">Last seen</th>
          <th className="py-2 pr-4 font-medium">Expires</th>
          <th className="py-2 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="block divide-y divide-border lg:table-row-group">
        {sessions.map((s) => (
          <tr key={s.id} data-session-id={s.id} className="block py-3 first:pt-0 last:pb-0 lg:table-row lg:py-0">
            {showUser ? (
              <td data-label="User" className={`${labelled} font-medium break-all`}>
                {s.userEmail}
              </td>
            ) : null}
            <td className="flex flex-wrap items-center gap-2 py-1 font-medium lg:table-cell lg:py-2 lg:pr-4">
              <span title={s.userAgent ?? undefined}>{browserInWords(s.userAgent) ?? "Unknown device"}</span>
              {s.id === currentId ? (
                <>
                  {" "}
                  <Badge tone="emerald">this device</Badge>
                </>
              ) : null}
            </td>
            <td data-label="IP" className={`${labelled} text-muted-foreground`}>
              <span className="break-all">{s.ip ?? "—"}</span>
            </td>
            <td data-label="Signed in" className={`${labelled} text-muted-foreground`}>
              {formatDateTime(s.createdAt)}
            </td>
            <td data-label="Last seen" className={`${labelled} text-muted-foreground`}>
              {formatDateTime(s.lastSeenAt)}
            </td>
            <td data-label="Expires" className={`${labelled} text-muted-foreground`}>
              {formatDateTime(s.expires)}
            </td>
            <td className="block pt-2 lg:table-cell lg:py-2 lg:text-right">{actions(s)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
