import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { HeaderNav } from "@/components/header-nav";
import { SessionProvider } from "@/components/session-provider";
import { ThemeProvider } from "@/components/theme-provider";
import { Toaster } from "@/components/toaster";
import { toClientSession } from "@/lib/client-session";
import { verifySession } from "@/lib/dal";
import { getEnv } from "@/lib/env";
import { requestNonce } from "@/lib/request-nonce";
import "./globals.css";

export const metadata: Metadata = {
  title: "Auth Starter",
  description: "Next.js + Auth.js starter with JWT or database sessions, roles and permissions",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f8fafc" },
    { media: "(prefers-color-scheme: dark)", color: "#0c0a09" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The client session provider starts from the claims rendered here: no request of its own per navigation.
  const [verified, nonce] = await Promise.all([verifySession(), requestNonce()]);
  const session = toClientSession(verified);
  return (
    // next-themes sets the theme class on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen">
        <ThemeProvider nonce={nonce}>
          <SessionProvider initialSession={session} refreshIntervalSeconds={getEnv().AUTH_CLIENT_REFRESH_SECONDS}>
            <header className="border-b border-border bg-card">
              <nav
                aria-label="Main"
                className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-3 sm:px-6"
              >
                <Link href="/" className="flex shrink-0 items-center gap-2 font-semibold text-foreground">
                  <span className="grid h-7 w-7 place-items-center rounded-lg bg-primary text-xs font-bold text-primary-foreground">
                    A
                  </span>
                  Auth Starter
                </Link>
                <HeaderNav />
              </nav>
            </header>
            <main className="mx-auto max-w-5xl px-4 py-8 sm:px-6 sm:py-10">{children}</main>
            <Toaster />
          </SessionProvider>
        </ThemeProvider>
      </body>
    </html>
  );
}
