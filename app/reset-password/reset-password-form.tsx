"use client";

import { useActionState } from "react";
import { resetPasswordAction } from "@/app/actions/email-links";
import { FormMessage, SubmitButton, TextInput } from "@/components/form-controls";
import { NewPasswordField } from "@/components/new-password-field";
import { DoneSignInNext } from "@/components/done-sign-in-next";
import { initialFormState } from "@/lib/form-state";

export function ResetPasswordForm({ token }: { token: string }) {
  const [state, action] = useActionState(resetPasswordAction, initialFormState);
  if (state.status === "success") return <DoneSignInNext message={state.message} />;
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <FormMessage message={state.message} fieldErrors={state.fieldErrors} />
      <NewPasswordField name="newPassword" label="New password" errors={state.fieldErrors?.newPassword} personal={{}} />
      <TextInput
        name="confirmPassword"
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        errors={state.fieldErrors?.confirmPassword}
      />
      <SubmitButton pendingText="Saving…">Set the new password</SubmitButton>
    </form>
  );
}
