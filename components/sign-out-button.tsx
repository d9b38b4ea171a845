"use client";

import { signOutAction } from "@/app/actions/auth";
import { useSession } from "./session-provider";

export function SignOutButton({ className = "" }: { className?: string }) {
  const { markSigningOut } = useSession();
  return (
    // Telling the session provider first keeps this tab's own sign-out from reading as an expired session.
    <form action={signOutAction} onSubmit={markSigningOut}>
      <button
        type="submit"
        className={`rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 ${className}`}
      >
        Sign out
      </button>
    </form>
  );
}
