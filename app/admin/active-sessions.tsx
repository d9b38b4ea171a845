import { revokeSessionAction } from "@/app/actions/admin";
import { SessionTable } from "@/components/session-table";
import { Card } from "@/components/ui";
import { ConfirmButton } from "@/components/ui/confirm-button";
import type { SessionSummary } from "@/lib/auth/session-admin";
import { adminUsersHref, type AdminUserQuery } from "@/lib/admin-users-query";
import { Pagination } from "./pagination";

export type ActiveSessionsPage = { sessions: SessionSummary[]; total: number; page: number; pageCount: number };

/** Every active session, newest activity first, one page at a time (its own page number in the URL). */
export function ActiveSessions({
  list,
  query,
  currentId,
  canRevoke,
}: {
  list: ActiveSessionsPage;
  query: AdminUserQuery;
  currentId: string | null;
  canRevoke: boolean;
}) {
  return (
    <section className="space-y-3" aria-labelledby="active-sessions-heading">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="active-sessions-heading" className="text-xl font-semibold tracking-tight">
          Active sessions
        </h2>
        <p className="text-sm text-muted-foreground" data-testid="sessions-summary">
          {list.total.toLocaleString("en-US")} in all
        </p>
      </div>
      <Card className="space-y-4">
        <SessionTable
          sessions={list.sessions}
          currentId={currentId}
          showUser
          actions={(s) =>
            canRevoke ? (
              <form action={revokeSessionAction}>
                <input type="hidden" name="sessionId" value={s.id} />
                <ConfirmButton
                  title={`End this session of ${s.userEmail}?`}
                  description={
                    s.id === currentId
                      ? "This is your own session: you will be signed out here."
                      : "That browser is signed out and has to sign in again."
                  }
                  confirmLabel="End session"
                  destructive
                  className="text-sm font-medium text-destructive hover:underline"
                >
                  End
                </ConfirmButton>
              </form>
            ) : null
          }
        />
        <Pagination
          page={list.page}
          pageCount={list.pageCount}
          href={(sessionsPage) => `${adminUsersHref(query, { sessionsPage })}#active-sessions-heading`}
          label="Active sessions pages"
          testId="sessions-pagination"
        />
      </Card>
    </section>
  );
}
