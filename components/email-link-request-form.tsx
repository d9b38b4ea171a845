"use client";

import { useActionState } from "react";
import { FormStateMessage, SubmitButton, TextInput } from "@/components/form-controls";
import { initialFormState, type FormState } from "@/lib/form-state";

/** "Send me a link" (forgot password, new confirmation link): one address, one answer for every address. */
export function EmailLinkRequestForm({
  action,
  submit,
  pending,
  defaultEmail,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  submit: string;
  pending: string;
  defaultEmail?: string;
}) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <FormStateMessage state={state} />
      <TextInput
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        defaultValue={state.values?.email ?? defaultEmail}
        errors={state.fieldErrors?.email}
      />
      <SubmitButton pendingText={pending}>{submit}</SubmitButton>
    </form>
  );
}
