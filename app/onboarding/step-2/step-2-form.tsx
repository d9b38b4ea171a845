"use client";

import Link from "next/link";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/lib/form-state";
import { saveStep2 } from "../actions";
import { TEAM_SIZES } from "../team-sizes";

export function Step2Form({ draft }: { draft: { teamSize?: string; goal?: string } }) {
  const [state, action] = useActionState(saveStep2, initialFormState);
  const values = state.values ?? draft;
  const teamSizeError = state.fieldErrors?.teamSize;
  const goalError = state.fieldErrors?.goal;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} fieldErrors={state.fieldErrors} />
      <label className="flex flex-col gap-1.5">
        <span className="text-sm font-medium text-foreground">Team size</span>
        <select
          name="teamSize"
          defaultValue={values.teamSize ?? ""}
          aria-invalid={teamSizeError ? true : undefined}
          className="w-full min-w-0 rounded-lg border border-input bg-card px-3 py-2 text-sm text-foreground shadow-sm"
        >
          <option value="" disabled>
            Choose…
          </option>
          {TEAM_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
        {teamSizeError ? (
          <span className="text-xs text-destructive" data-testid="teamSize-error">
            {teamSizeError.join(" ")}
          </span>
        ) : null}
      </label>
      <label className="flex flex-col gap-1.5">
        <span className="text-sm font-medium text-foreground">What do you want to build? (optional)</span>
        <textarea
          name="goal"
          rows={3}
          defaultValue={values.goal ?? ""}
          aria-invalid={goalError ? true : undefined}
          className="w-full min-w-0 rounded-lg border border-input bg-card px-3 py-2 text-sm text-foreground shadow-sm"
        />
        {goalError ? (
          <span className="text-xs text-destructive" data-testid="goal-error">
            {goalError.join(" ")}
          </span>
        ) : null}
      </label>
      <div className="flex items-center justify-between">
        <Link href="/onboarding/step-1" className="text-sm font-medium text-muted-foreground hover:text-foreground">
          ← Back
        </Link>
        <SubmitButton pendingText="Saving…">Finish</SubmitButton>
      </div>
    </form>
  );
}
