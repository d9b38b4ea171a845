import { resendVerificationAction } from "@/app/actions/email-links";
import { EmailLinkRequestForm } from "@/components/email-link-request-form";
import { Card } from "@/components/ui";
import { peekEmailToken } from "@/lib/auth/email-tokens";
import { getDb } from "@/lib/db";
import { LINK_PROBLEM_MESSAGES } from "@/lib/password-reset";
import { ConfirmEmailForm } from "./confirm-email-form";

export const metadata = { title: "Confirm your email · Auth Starter" };

// With a token (the emailed link): confirming takes the account's password, or the address's owner says they did
// not sign up (lib/confirm-sign-up.ts). Both are POSTs, since mail scanners open links; opening the page only
// reads the link, to say at once when it would not work. Without a token: ask for a new link.
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<{ token?: unknown }> }) {
  const { token } = await searchParams;
  const link = typeof token === "string" ? await peekEmailToken(getDb(), "verify-email", token) : null;
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Confirm your email address</h1>
      <Card>
        {link ? (
          // One component either way: after a button the page re-renders with the link used, and the form must
          // keep showing the answer it got.
          <ConfirmEmailForm
            token={link.ok ? (token as string) : ""}
            email={link.ok ? link.token.email : null}
            problem={link.ok ? null : LINK_PROBLEM_MESSAGES[link.problem]}
          />
        ) : (
          <div className="flex flex-col gap-4">
            <p className="text-sm text-muted-foreground">
              Enter your address and we will send you a new confirmation link.
            </p>
            <EmailLinkRequestForm action={resendVerificationAction} submit="Send a new link" pending="Sending…" />
          </div>
        )}
      </Card>
    </div>
  );
}
