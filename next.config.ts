import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD } from "next/constants";
import { assertGeneratedClients } from "./lib/generated-clients";

const nextConfig: NextConfig = {
  // Native / pooled database drivers stay as Node modules instead of being bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg", "bcryptjs"],
  // forbidden() → app/forbidden.tsx with a real 403 status.
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  // Lets tests and benchmarks build into their own folder without touching a running dev server's .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default function config(phase: string): NextConfig {
  // The Prisma clients are compiled in when building or developing; `next start` runs the compiled copy.
  if (phase === PHASE_PRODUCTION_BUILD || phase === PHASE_DEVELOPMENT_SERVER) assertGeneratedClients(process.cwd());
  return nextConfig;
}
