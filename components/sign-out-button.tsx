"use client";

import { signOutAction } from "@/app/actions/auth";
import { buttonClasses } from "@/components/ui/button-styles";
import { useSession } from "./session-provider";

export function SignOutButton({ className = "" }: { className?: string }) {
  const { markSigningOut } = useSession();
  return (
    // Telling the session provider first keeps this tab's own sign-out from reading as an expired session.
    <form action={signOutAction} onSubmit={markSigningOut}>
      <button type="submit" className={buttonClasses({ variant: "secondary", size: "sm", className })}>
        Sign out
      </button>
    </form>
  );
}
