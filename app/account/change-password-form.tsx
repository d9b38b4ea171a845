"use client";

import { useActionState } from "react";
import { changePasswordAction } from "@/app/actions/account";
import { FormStateMessage, SubmitButton, TextInput } from "@/components/form-controls";
import { NewPasswordField } from "@/components/new-password-field";
import { useSession } from "@/components/session-provider";
import { initialFormState } from "@/lib/form-state";

export function ChangePasswordForm() {
  const [state, action] = useActionState(changePasswordAction, initialFormState);
  const { session } = useSession();
  return (
    <form
      action={action}
      className="flex max-w-md flex-col gap-4"
      noValidate
      key={state.status === "success" ? state.message : "form"}
    >
      <FormStateMessage state={state} />
      <TextInput
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        errors={state.fieldErrors?.currentPassword}
      />
      <NewPasswordField
        name="newPassword"
        label="New password"
        errors={state.fieldErrors?.newPassword}
        personal={{ email: session?.user.email, name: session?.user.name }}
      />
      <TextInput
        name="confirmPassword"
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        errors={state.fieldErrors?.confirmPassword}
      />
      <SubmitButton pendingText="Changing password…">Change password</SubmitButton>
      <p className="text-xs text-muted-foreground">Changing your password signs out all your other sessions.</p>
    </form>
  );
}
