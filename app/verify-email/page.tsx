import { resendVerificationAction } from "@/app/actions/email-links";
import { EmailLinkRequestForm } from "@/components/email-link-request-form";
import { Card } from "@/components/ui";
import { ConfirmEmailForm } from "./confirm-email-form";

export const metadata = { title: "Confirm your email · Auth Starter" };

// With a token (the emailed link): a button confirms, since mail scanners open links and a GET must change
// nothing. Without one: ask for a new link.
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<{ token?: unknown }> }) {
  const { token } = await searchParams;
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Confirm your email address</h1>
      <Card>
        {typeof token === "string" ? (
          <ConfirmEmailForm token={token.slice(0, 200)} />
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
