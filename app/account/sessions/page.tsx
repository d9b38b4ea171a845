import { revokeOtherSessionsAction, revokeOwnSessionAction } from "@/app/actions/account";
import { SessionTable } from "@/components/session-table";
import { Card } from "@/components/ui";

import { getCurrentSessionId, requireUser } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { activeSessionRules, listActiveSessions } from "@/lib/auth/session-admin";

export const metadata = { title: "Your sessions · Auth Starter" };

export default async function SessionsPage() {
  const { user } = await requireUser();
  const env = getEnv();
  const [sessions, currentId] = await Promise.all([
    listActiveSessions(getDb(), { ...activeSessionRules(env), userId: user.id }),
    getCurrentSessionId(),
  ]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Your sessions</h1>
          <p className="text-sm text-slate-500">
            Every browser signed in to your account.
            {env.AUTH_SESSION_STRATEGY === "jwt"
              ? ` Signing a session out takes effect within ${env.AUTH_JWT_RECHECK_SECONDS} seconds.`
              : ""}
          </p>
        </div>
        <form action={revokeOtherSessionsAction}>
          <button
            type="submit"
            className="rounded-lg border border-rose-300 bg-white px-3 py-1.5 text-sm font-medium text-rose-700 shadow-sm hover:bg-rose-50"
          >
            Sign out all other sessions
          </button>
        </form>
      </div>
      <Card>
        <SessionTable
          sessions={sessions}
          currentId={currentId}
          actions={(s) => (
            <form action={revokeOwnSessionAction}>
              <input type="hidden" name="sessionId" value={s.id} />
              <button type="submit" className="text-sm font-medium text-rose-600 hover:underline">
                {s.id === currentId ? "Sign out" : "Sign out this session"}
              </button>
            </form>
          )}
        />
      </Card>
    </div>
  );
}
