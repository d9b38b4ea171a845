import "server-only";
import type { Session } from "next-auth";
import { currentSessionCookie } from "./auth/session-cookie";
import { findDatabaseSession } from "./auth/session-strategy";
import { createSessionVerifier } from "./auth/session-verifier";
import { toClientSession, type ClientSession } from "./client-session";
import { getDb } from "./db";
import { getEnv } from "./env";

// For the browser's session provider (GET /api/session): is the session still live, and with which claims?
// Unlike a page or an action, this check is not user activity, so it never slides the session's idle expiry:
// a tab left open, polling, must not keep a session alive past AUTH_SESSION_MAX_AGE (ASVS 7.3.1).
//   database: the same lookup the DAL does (expired, too old or disabled → gone), without touching the row;
//   jwt: the DAL's verifier, which never re-issues the cookie (so never extends it).

let jwtVerifier: ReturnType<typeof createSessionVerifier> | undefined;

/** The live session's claims, null when signed out, or "unavailable" when the database did not answer. */
export async function peekSession(): Promise<ClientSession | null | "unavailable"> {
  const env = getEnv();
  const cookie = await currentSessionCookie();
  if (!cookie) return null;
  try {
    if (env.AUTH_SESSION_STRATEGY === "database") {
      const found = await findDatabaseSession(getDb(), env, cookie.value);
      if (!found) return null;
      const session: Session = { user: found.claims, expires: found.expires.toISOString() };
      return toClientSession(session);
    }
    jwtVerifier ??= createSessionVerifier(env, getDb());
    return toClientSession((await jwtVerifier(cookie))?.session ?? null);
  } catch (error) {
    console.error(`[session-status] session check failed: ${(error as Error).message?.split("\n")[0]}`);
    return "unavailable";
  }
}
