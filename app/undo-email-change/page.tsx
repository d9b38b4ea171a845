import { Card } from "@/components/ui";
import { peekEmailToken } from "@/lib/auth/email-tokens";
import { getDb } from "@/lib/db";
import { undoLinkProblemMessage } from "@/lib/email-change";
import { UndoEmailChangeForm } from "./undo-email-change-form";

export const metadata = { title: "Undo the email change · Auth Starter" };

// Opening the link changes nothing (mail scanners open links too): the undo waits for the button.
export default async function UndoEmailChangePage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const { token } = await searchParams;
  const link = await peekEmailToken(getDb(), "undo-email-change", token);
  const usable = link.ok && typeof token === "string";
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Undo the email change</h1>
      <Card>
        <UndoEmailChangeForm
          token={usable ? token : ""}
          email={link.ok ? link.token.email : ""}
          problem={usable ? null : undoLinkProblemMessage(link.ok ? "invalid" : link.problem)}
        />
      </Card>
    </div>
  );
}
