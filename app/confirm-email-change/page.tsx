import { Card } from "@/components/ui";
import { peekEmailToken } from "@/lib/auth/email-tokens";
import { getDb } from "@/lib/db";
import { linkProblemMessage } from "@/lib/email-change";
import { ConfirmEmailChangeForm } from "./confirm-email-change-form";

export const metadata = { title: "Confirm your new email address · Auth Starter" };

// Opening the link changes nothing (mail scanners and previews open links too): the change waits for the button.
// A link that would not work says so at once (a read, never a use).
export default async function ConfirmEmailChangePage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const { token } = await searchParams;
  const link = await peekEmailToken(getDb(), "change-email", token);
  const usable = link.ok && typeof token === "string";
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Confirm your new email address</h1>
      <Card>
        {/* One component either way: after the button the page re-renders with the link used, and the form must
            keep showing the answer it got. */}
        <ConfirmEmailChangeForm
          token={usable ? token : ""}
          problem={usable ? null : linkProblemMessage(link.ok ? "invalid" : link.problem)}
        />
      </Card>
    </div>
  );
}
