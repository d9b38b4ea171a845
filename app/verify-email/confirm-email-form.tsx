"use client";

import Link from "next/link";
import { useActionState } from "react";
import { confirmEmailAction, declineSignUpAction, type DeclineSignUpState } from "@/app/actions/email-links";
import { FormMessage, SubmitButton, TextInput } from "@/components/form-controls";
import { DoneSignInNext } from "@/components/done-sign-in-next";
import { initialFormState } from "@/lib/form-state";

const initialDecline: DeclineSignUpState = { status: "idle" };

/** `problem`: why the link cannot be used, found when the page was opened (then there are no buttons). */
export function ConfirmEmailForm({
  token,
  email,
  problem,
}: {
  token: string;
  email: string | null;
  problem: string | null;
}) {
  const [confirmed, confirm] = useActionState(confirmEmailAction, initialFormState);
  const [declined, decline] = useActionState(declineSignUpAction, initialDecline);
  if (confirmed.status === "success") return <DoneSignInNext message={confirmed.message} />;
  if (declined.status === "removed") return <FormMessage message={declined.message} tone="success" />;
  if (declined.status === "kept")
    return (
      <div className="flex flex-col gap-4">
        <FormMessage message={declined.message} tone="success" />
        <Link href="/forgot-password" className="font-medium text-primary hover:underline">
          Choose a new password
        </Link>
      </div>
    );
  if (declined.status === "error" || problem)
    return (
      <div className="flex flex-col gap-4">
        <FormMessage message={declined.status === "error" ? declined.message : (problem ?? undefined)} />
        <Link href="/verify-email" className="font-medium text-primary hover:underline">
          Ask for a new link
        </Link>
      </div>
    );
  return (
    <div className="flex flex-col gap-6">
      <form action={confirm} className="flex flex-col gap-4" noValidate>
        <p className="text-sm text-foreground">To confirm {email}, enter the password you chose when you signed up.</p>
        <input type="hidden" name="token" value={token} />
        {/* For password managers: the account this password belongs to. */}
        <input type="email" name="email" value={email ?? ""} autoComplete="username" readOnly hidden />
        <FormMessage message={confirmed.message} fieldErrors={confirmed.fieldErrors} />
        <TextInput
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          errors={confirmed.fieldErrors?.password}
        />
        <SubmitButton pendingText="Confirming…">Confirm my email address</SubmitButton>
      </form>
      <form action={decline} className="flex flex-col gap-2 border-t border-border pt-4">
        <p className="text-sm text-muted-foreground">
          Did someone else sign up with your address? Say so, and the account is removed if nobody has used it yet.
        </p>
        <input type="hidden" name="token" value={token} />
        <SubmitButton pendingText="Removing…">I did not sign up</SubmitButton>
      </form>
    </div>
  );
}
