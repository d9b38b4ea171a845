"use client";

import { TextInput } from "@/components/form-controls";
import { PasswordStrengthMeter } from "@/components/password-strength-meter";

// The rules lib/validation.ts enforces, said once for every form that sets a password.
const NEW_PASSWORD_HINT = "At least 8 characters, at most 72 bytes. A few uncommon words make a strong password.";

/** A new-password input with its rules and the strength meter; `personal` says what counts as the user's own details. */
export function NewPasswordField({
  name,
  label,
  errors,
  personal,
}: {
  name: string;
  label: string;
  errors?: string[];
  personal: { emailField?: string; nameField?: string; email?: string | null; name?: string | null };
}) {
  return (
    <div className="flex flex-col gap-2">
      <TextInput
        name={name}
        label={label}
        type="password"
        autoComplete="new-password"
        hint={NEW_PASSWORD_HINT}
        errors={errors}
      />
      <PasswordStrengthMeter passwordField={name} {...personal} />
    </div>
  );
}
