"use client";

import { useActionState } from "react";
import { requestEmailChangeAction } from "@/app/actions/email-change";
import { FormStateMessage, SubmitButton, TextInput } from "@/components/form-controls";
import { initialFormState } from "@/lib/form-state";

export function ChangeEmailForm() {
  const [state, action] = useActionState(requestEmailChangeAction, initialFormState);
  return (
    <form
      action={action}
      className="flex max-w-md flex-col gap-4"
      noValidate
      key={state.status === "success" ? state.message : "form"}
    >
      <FormStateMessage state={state} />
      <TextInput
        name="newEmail"
        label="New email address"
        type="email"
        autoComplete="email"
        defaultValue={state.values?.newEmail}
        errors={state.fieldErrors?.newEmail}
      />
      <TextInput
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        errors={state.fieldErrors?.currentPassword}
      />
      <SubmitButton pendingText="Sending link…">Change email</SubmitButton>
      <p className="text-xs text-muted-foreground">
        We send a link to the new address; the change happens when you open it. Confirming signs out your other
        sessions.
      </p>
    </form>
  );
}
