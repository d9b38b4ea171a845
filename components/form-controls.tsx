"use client";

import { useId } from "react";
import { useFormStatus } from "react-dom";
import { buttonClasses } from "@/components/ui/button-styles";
import { Notice } from "@/components/ui";
import type { FormState } from "@/lib/form-state";

export const inputClasses =
  "w-full min-w-0 rounded-lg border bg-card px-3 py-2 text-sm text-foreground shadow-sm outline-none transition " +
  "placeholder:text-muted-foreground focus:ring-2";

export function TextInput({
  name,
  label,
  type = "text",
  defaultValue,
  errors,
  autoComplete,
  hint,
}: {
  name: string;
  label: string;
  type?: string;
  defaultValue?: string;
  errors?: string[];
  autoComplete?: string;
  hint?: string;
}) {
  // Two forms on a page may both have a currentPassword field: ids must stay unique.
  const errorId = `${useId()}-error`;
  return (
    <label className="flex flex-col gap-1.5">
      <span className="text-sm font-medium">{label}</span>
      <input
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        required
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? errorId : undefined}
        className={`${inputClasses} ${
          errors?.length
            ? "border-destructive focus:ring-destructive/30"
            : "border-input focus:border-ring focus:ring-ring/30"
        }`}
      />
      {hint && !errors?.length ? <span className="text-xs text-muted-foreground">{hint}</span> : null}
      {errors?.length ? (
        <span id={errorId} role="alert" className="text-xs text-destructive" data-testid={`${name}-error`}>
          {errors.join(" ")}
        </span>
      ) : null}
    </label>
  );
}

export function SubmitButton({ children, pendingText }: { children: React.ReactNode; pendingText: string }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      aria-busy={pending}
      className={buttonClasses({ className: "disabled:cursor-wait" })}
    >
      {pending ? pendingText : children}
    </button>
  );
}

/**
 * The form's message. When fields have their own errors, those say it (and are announced), so a second
 * "fix the highlighted fields" above them is left out.
 */
export function FormMessage({
  message,
  tone = "error",
  fieldErrors,
}: {
  message?: string;
  tone?: "error" | "success";
  fieldErrors?: Record<string, string[] | undefined>;
}) {
  if (!message) return null;
  if (tone === "error" && fieldErrors && Object.values(fieldErrors).some((errors) => errors?.length)) return null;
  return (
    <Notice tone={tone} role={tone === "error" ? "alert" : "status"}>
      {message}
    </Notice>
  );
}

/** A server action's answer above its form: its message, as success or error (see FormMessage). */
export function FormStateMessage({ state }: { state: FormState }) {
  return (
    <FormMessage
      message={state.message}
      fieldErrors={state.fieldErrors}
      tone={state.status === "success" ? "success" : "error"}
    />
  );
}
