"use client";

import Link from "next/link";
import { useActionState } from "react";
import { confirmEmailChangeAction, type ConfirmEmailChangeState } from "@/app/actions/email-change";
import { FormMessage, SubmitButton } from "@/components/form-controls";

const initialState: ConfirmEmailChangeState = { status: "idle" };

/** `problem`: why the link cannot be used, found when the page was opened (then there is no button). */
export function ConfirmEmailChangeForm({ token, problem }: { token: string; problem: string | null }) {
  const [state, action] = useActionState(confirmEmailChangeAction, initialState);
  if (state.status === "changed")
    return (
      <div className="space-y-4">
        <FormMessage message={state.message} tone="success" />
        <Link
          href={state.staysSignedIn ? "/account" : "/login"}
          className="text-sm font-medium text-primary hover:underline"
        >
          {state.staysSignedIn ? "Go to your account" : "Sign in"}
        </Link>
      </div>
    );
  if (state.status === "error" || problem)
    return (
      <div className="space-y-4">
        <FormMessage message={state.status === "error" ? state.message : (problem ?? undefined)} />
        <Link href="/account" className="text-sm font-medium text-primary hover:underline">
          Go to your account
        </Link>
      </div>
    );
  return (
    <form action={action} className="flex flex-col gap-4">
      <p className="text-sm text-foreground">
        Press the button to make this address the email address of your account. You will sign in with it from now on.
      </p>
      <input type="hidden" name="token" value={token} />
      <SubmitButton pendingText="Confirming…">Confirm new address</SubmitButton>
    </form>
  );
}
