"use client";

import { useActionState } from "react";
import { confirmEmailAction } from "@/app/actions/email-links";
import { FormMessage, SubmitButton } from "@/components/form-controls";
import { DoneSignInNext } from "@/components/done-sign-in-next";
import { initialFormState } from "@/lib/form-state";

export function ConfirmEmailForm({ token }: { token: string }) {
  const [state, action] = useActionState(confirmEmailAction, initialFormState);
  if (state.status === "success") return <DoneSignInNext message={state.message} />;
  return (
    <form action={action} className="flex flex-col gap-4">
      <input type="hidden" name="token" value={token} />
      <FormMessage message={state.message} />
      <SubmitButton pendingText="Confirming…">Confirm my email address</SubmitButton>
    </form>
  );
}
