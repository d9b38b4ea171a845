"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton, TextInput } from "@/components/form-controls";
import { initialFormState } from "@/lib/form-state";
import { saveStep1 } from "../actions";

export function Step1Form({ draft }: { draft: { name?: string; company?: string } }) {
  const [state, action] = useActionState(saveStep1, initialFormState);
  const values = state.values ?? draft;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} fieldErrors={state.fieldErrors} />
      <TextInput
        name="name"
        label="Your name"
        defaultValue={values.name}
        errors={state.fieldErrors?.name}
        autoComplete="name"
      />
      <TextInput
        name="company"
        label="Company or project"
        defaultValue={values.company}
        errors={state.fieldErrors?.company}
        autoComplete="organization"
      />
      <div className="flex justify-end">
        <SubmitButton pendingText="Saving…">Next</SubmitButton>
      </div>
    </form>
  );
}
