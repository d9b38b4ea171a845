"use client";

import Link from "next/link";
import { hasPermission, PERMISSIONS } from "@/lib/permissions";
import { useSession } from "./session-provider";
import { SignOutButton } from "./sign-out-button";

// The header's links and current user, from the client session (display only: every page authorizes itself),
// so the header follows a session that ends while the page is open.

const linkStyle = "text-slate-600 hover:text-slate-900";

function CurrentUser() {
  const { session } = useSession();
  if (!session) return null;
  return (
    <span className="hidden text-slate-400 sm:inline" data-testid="nav-email" title={session.user.name ?? undefined}>
      {session.user.email}
    </span>
  );
}

export function HeaderNav() {
  const { session } = useSession();
  return (
    <div className="flex items-center gap-4 text-sm">
      <Link href="/cart" className={linkStyle}>
        Cart
      </Link>
      <Link href="/onboarding/step-1" className={linkStyle}>
        Onboarding
      </Link>
      {session ? (
        <>
          <Link href="/dashboard" className={linkStyle}>
            Dashboard
          </Link>
          {hasPermission(session.user, PERMISSIONS.usersRead) ? (
            <Link href="/admin" className={linkStyle}>
              Admin
            </Link>
          ) : null}
          <Link href="/account" className={linkStyle}>
            Account
          </Link>
          <CurrentUser />
          <SignOutButton />
        </>
      ) : (
        <>
          <Link href="/login" className={linkStyle}>
            Sign in
          </Link>
          <Link
            href="/register"
            className="rounded-lg bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500"
          >
            Create account
          </Link>
        </>
      )}
    </div>
  );
}
