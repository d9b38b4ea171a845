"use client";

import { useActionState } from "react";
import { registerAction } from "@/app/actions/auth";
import { FormMessage, SubmitButton, TextInput } from "@/components/form-controls";
import { PasswordStrengthMeter } from "@/components/password-strength-meter";
import { initialFormState } from "@/lib/form-state";

export function RegisterForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState(registerAction, initialFormState);
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <FormMessage message={state.message} />
      <TextInput name="name" label="Name" autoComplete="name" defaultValue={state.values?.name} errors={state.fieldErrors?.name} />
      <TextInput name="email" label="Email" type="email" autoComplete="email" defaultValue={state.values?.email} errors={state.fieldErrors?.email} />
      <div className="flex flex-col gap-2">
        <TextInput
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters, at most 72 bytes. A few uncommon words make a strong password."
          errors={state.fieldErrors?.password}
        />
        <PasswordStrengthMeter passwordField="password" emailField="email" nameField="name" />
      </div>
      <SubmitButton pendingText="Creating account…">Create account</SubmitButton>
    </form>
  );
}
