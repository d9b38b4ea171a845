"use client";

import { useActionState } from "react";
import { registerAction } from "@/app/actions/auth";
import { FormMessage, SubmitButton, TextInput } from "@/components/form-controls";
import { NewPasswordField } from "@/components/new-password-field";
import { initialFormState } from "@/lib/form-state";

export function RegisterForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState(registerAction, initialFormState);
  // Email confirmation required: the account exists, and the next step is in the user's inbox.
  if (state.status === "success")
    return <FormMessage message={state.message} fieldErrors={state.fieldErrors} tone="success" />;
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <FormMessage message={state.message} fieldErrors={state.fieldErrors} />
      <TextInput
        name="name"
        label="Name"
        autoComplete="name"
        defaultValue={state.values?.name}
        errors={state.fieldErrors?.name}
      />
      <TextInput
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email}
        errors={state.fieldErrors?.email}
      />
      <NewPasswordField
        name="password"
        label="Password"
        errors={state.fieldErrors?.password}
        personal={{ emailField: "email", nameField: "name" }}
      />
      <SubmitButton pendingText="Creating account…">Create account</SubmitButton>
    </form>
  );
}
