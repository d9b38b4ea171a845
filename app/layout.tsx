import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { HeaderNav } from "@/components/header-nav";
import { SessionProvider } from "@/components/session-provider";
import { toClientSession } from "@/lib/client-session";
import { verifySession } from "@/lib/dal";
import { getEnv } from "@/lib/env";
import "./globals.css";

export const metadata: Metadata = {
  title: "Auth Starter",
  description: "Next.js + Auth.js starter with JWT or database sessions, roles and permissions",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The client session provider starts from the claims rendered here: no request of its own per navigation.
  const session = toClientSession(await verifySession());
  return (
    <html lang="en">
      <body className="min-h-screen">
        <SessionProvider initialSession={session} refreshIntervalSeconds={getEnv().AUTH_CLIENT_REFRESH_SECONDS}>
          <header className="border-b border-slate-200 bg-white">
            <nav className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-6 py-3">
              <Link href="/" className="flex items-center gap-2 font-semibold text-slate-900">
                <span className="grid h-7 w-7 place-items-center rounded-lg bg-indigo-600 text-xs font-bold text-white">
                  A
                </span>
                Auth Starter
              </Link>
              <HeaderNav />
            </nav>
          </header>
          <main className="mx-auto max-w-5xl px-6 py-10">{children}</main>
        </SessionProvider>
      </body>
    </html>
  );
}
