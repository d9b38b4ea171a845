import { revokeOtherSessionsAction, revokeOwnSessionAction } from "@/app/actions/account";
import { ActionForm } from "@/components/action-form";
import { SessionTable } from "@/components/session-table";
import { Card } from "@/components/ui";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { buttonClasses } from "@/components/ui/button-styles";
import { activeSessionRules, listActiveSessions } from "@/lib/auth/session-admin";
import { getCurrentSessionId, requireUser } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

export const metadata = { title: "Your sessions · Auth Starter" };

export default async function SessionsPage() {
  const { user } = await requireUser();
  const env = getEnv();
  const [sessions, currentId] = await Promise.all([
    listActiveSessions(getDb(), { ...activeSessionRules(env), userId: user.id }),
    getCurrentSessionId(),
  ]);
  const others = sessions.filter((s) => s.id !== currentId).length;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Your sessions</h1>
          <p className="text-sm text-muted-foreground">
            Every browser signed in to your account.
            {env.AUTH_SESSION_STRATEGY === "jwt"
              ? ` Signing a session out takes effect within ${env.AUTH_JWT_RECHECK_SECONDS} seconds.`
              : ""}
          </p>
        </div>
        {others > 0 ? (
          <ActionForm
            action={revokeOtherSessionsAction}
            success={others === 1 ? "The other session is signed out." : `${others} other sessions are signed out.`}
          >
            <ConfirmButton
              destructive
              title="Sign out all other sessions?"
              description={`${others === 1 ? "The other browser" : `The ${others} other browsers`} signed in to your account will have to sign in again. This browser stays signed in.`}
              confirmLabel="Sign out other sessions"
              className={buttonClasses({ variant: "destructive", size: "sm" })}
            >
              Sign out all other sessions
            </ConfirmButton>
          </ActionForm>
        ) : null}
      </div>
      <Card>
        <SessionTable
          sessions={sessions}
          currentId={currentId}
          actions={(s) => {
            const current = s.id === currentId;
            return (
              <ActionForm action={revokeOwnSessionAction} success={current ? undefined : "The session is signed out."}>
                <input type="hidden" name="sessionId" value={s.id} />
                <ConfirmButton
                  destructive
                  title={current ? "Sign out of this browser?" : "Sign out this session?"}
                  description={
                    current
                      ? "You will have to sign in again here."
                      : "That browser will have to sign in again. Your other sessions stay signed in."
                  }
                  confirmLabel="Sign out"
                  className={buttonClasses({ variant: "secondary", size: "sm", className: "w-full lg:w-auto" })}
                >
                  {current ? "Sign out" : "Sign out this session"}
                </ConfirmButton>
              </ActionForm>
            );
          }}
        />
      </Card>
    </div>
  );
}
