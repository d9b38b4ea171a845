import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD } from "next/constants";
import { assertGeneratedClients } from "./lib/generated-clients";
import { staticSecurityHeaderRules } from "./lib/security-headers";
import { SERVER_ACTION_ALLOWED_ORIGINS, SERVER_ACTION_BODY_LIMIT_BYTES } from "./lib/server-action-guard";

const nextConfig: NextConfig = {
  // Native / pooled database drivers and the SMTP client stay as Node modules instead of being bundled.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "pg",
    "@prisma/adapter-pg",
    "bcryptjs",
    "nodemailer",
  ],
  experimental: {
    // forbidden() → app/forbidden.tsx with a real 403 status.
    authInterrupts: true,
    // proxy.ts refuses server-action posts past the same limit and from other origins before Next reads them.
    serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT_BYTES, allowedOrigins: SERVER_ACTION_ALLOWED_ORIGINS },
  },
  poweredByHeader: false,
  // The nonce-less security headers for what proxy.ts never sees; where it runs, its headers replace these.
  headers: async () => staticSecurityHeaderRules(),
  // Lets tests and benchmarks build into their own folder without touching a running dev server's .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The Docker image runs the self-contained server (`node server.js`); opt-in, because `next start` warns on it.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
};

export default function config(phase: string): NextConfig {
  // The Prisma clients are compiled in when building or developing; `next start` runs the compiled copy.
  if (phase === PHASE_PRODUCTION_BUILD || phase === PHASE_DEVELOPMENT_SERVER) assertGeneratedClients(process.cwd());
  // Inlined into the bundles at build time, so a production build knows it is one whatever NODE_ENV it is started
  // with (lib/env.ts IN_PRODUCTION_BUILD). Every phase but the dev server: builds that defer inlining read it at start.
  return { ...nextConfig, env: { BUILT_FOR_PRODUCTION: String(phase !== PHASE_DEVELOPMENT_SERVER) } };
}
