"use client";

import { useActionState } from "react";
import { undoEmailChangeAction, type UndoEmailChangeState } from "@/app/actions/email-change";
import { FormMessage, SubmitButton } from "@/components/form-controls";

const initialState: UndoEmailChangeState = { status: "idle" };

/** `problem`: why the link cannot be used, found when the page was opened (then there is no button). */
export function UndoEmailChangeForm({
  token,
  email,
  problem,
}: {
  token: string;
  email: string;
  problem: string | null;
}) {
  const [state, action] = useActionState(undoEmailChangeAction, initialState);
  if (state.status === "error" || problem)
    return <FormMessage message={state.status === "error" ? state.message : (problem ?? undefined)} />;
  return (
    <form action={action} className="flex flex-col gap-4">
      <p className="text-sm text-foreground">
        Press the button to make <strong>{email}</strong> the email address of your account again. Everyone signed in to
        the account is signed out, every pending link stops working, and you choose a new password next.
      </p>
      <input type="hidden" name="token" value={token} />
      <SubmitButton pendingText="Undoing…">Undo the change and choose a new password</SubmitButton>
    </form>
  );
}
