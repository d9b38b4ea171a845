import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/sign-out-button";
import { verifySession } from "@/lib/dal";
import { hasPermission, PERMISSIONS } from "@/lib/permissions";
import "./globals.css";

export const metadata: Metadata = {
  title: "Auth Starter",
  description: "Next.js + Auth.js starter with JWT or database sessions, roles and permissions",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await verifySession();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <header className="border-b border-slate-200 bg-white">
          <nav className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-6 py-3">
            <Link href="/" className="flex items-center gap-2 font-semibold text-slate-900">
              <span className="grid h-7 w-7 place-items-center rounded-lg bg-indigo-600 text-xs font-bold text-white">A</span>
              Auth Starter
            </Link>
            <div className="flex items-center gap-4 text-sm">
              {session ? (
                <>
                  <Link href="/dashboard" className="text-slate-600 hover:text-slate-900">Dashboard</Link>
                  {hasPermission(session.user, PERMISSIONS.usersRead) ? (
                    <Link href="/admin" className="text-slate-600 hover:text-slate-900">Admin</Link>
                  ) : null}
                  <Link href="/account" className="text-slate-600 hover:text-slate-900">Account</Link>
                  <span className="hidden text-slate-400 sm:inline" data-testid="nav-email">{session.user.email}</span>
                  <SignOutButton />
                </>
              ) : (
                <>
                  <Link href="/login" className="text-slate-600 hover:text-slate-900">Sign in</Link>
                  <Link href="/register" className="rounded-lg bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500">
                    Create account
                  </Link>
                </>
              )}
            </div>
          </nav>
        </header>
        <main className="mx-auto max-w-5xl px-6 py-10">{children}</main>
      </body>
    </html>
  );
}
