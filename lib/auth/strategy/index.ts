import type { NextAuthConfig, Session } from "next-auth";
import { getDb, type Db } from "../../db";
import { getEnv, type Env } from "../../env";
import { listenForChanges, type FeedState } from "./change-feed";
import { databaseStrategy } from "./database";
import { jwtStrategy } from "./jwt";

// AUTH_SESSION_STRATEGY picks one of two implementations of one contract; nothing outside this folder branches
// on it. Both keep one Session row per signed-in browser (lib/auth/strategy/session-rows.ts), so listing,
// revoking, session data and purging work the same whichever strategy made the row.
//   database (./database.ts): the cookie is an opaque 256-bit token; the row stores its SHA-256 hash and every
//     request looks the row up.
//   jwt (./jwt.ts): the cookie is Auth.js's encrypted JWT carrying the claims and the row's id (`sid`); the row,
//     the user and the claims are re-checked at most every AUTH_JWT_RECHECK_SECONDS.
// Both: idle timeout AUTH_SESSION_MAX_AGE (sliding, extended at most every AUTH_SESSION_UPDATE_AGE), an absolute
// lifetime AUTH_SESSION_ABSOLUTE_MAX_AGE from sign-in, and a sign-in ends the browser's previous session.

export type StrategyEnv = Pick<
  Env,
  | "DATABASE_URL"
  | "databaseProvider"
  | "AUTH_SECRET"
  | "AUTH_SESSION_STRATEGY"
  | "AUTH_SESSION_MAX_AGE"
  | "AUTH_SESSION_UPDATE_AGE"
  | "AUTH_SESSION_ABSOLUTE_MAX_AGE"
  | "AUTH_JWT_RECHECK_SECONDS"
  | "AUTH_DATABASE_SESSION_CACHE"
>;

export type SessionCookieValue = { name: string; value: string };

/** A live session: what the app may see of it, and the id of its Session row. */
export type VerifiedSession = { session: Session; sessionId: string };

export type SessionStrategy = {
  /**
   * The live session a cookie stands for, or null (garbage, tampered, expired, revoked, user disabled). With
   * `slide: false` the check is not user activity and never extends the session (the browser's status polls).
   */
  verify(cookie: SessionCookieValue | null, options?: { slide?: boolean }): Promise<VerifiedSession | null>;
  /** How changes (revocation, disabling, roles) reach this process's sessions (shown by /api/health). */
  changeFeed(): FeedState | "not needed";
  /** This strategy's part of the Auth.js configuration (sign-in creates the row, sign-out ends it). */
  authConfig: Pick<NextAuthConfig, "adapter" | "session" | "jwt" | "callbacks" | "events">;
};

export function createSessionStrategy(env: StrategyEnv, db: Db): SessionStrategy {
  return env.AUTH_SESSION_STRATEGY === "database" ? databaseStrategy(env, db) : jwtStrategy(env, db);
}

// One per process, shared by the DAL, /api/session and Auth.js (route bundles are separate module instances).
const globalForStrategy = globalThis as unknown as { __sessionStrategy?: SessionStrategy };

/** The app's session strategy, from the validated process environment. */
export function sessionStrategy(): SessionStrategy {
  if (!globalForStrategy.__sessionStrategy) {
    const env = getEnv();
    globalForStrategy.__sessionStrategy = createSessionStrategy(env, getDb());
    // JWT sessions trust their token between rechecks, cached lookups their last read: PostgreSQL tells this
    // process about changes at once.
    const trusts = env.AUTH_SESSION_STRATEGY === "jwt" || env.AUTH_DATABASE_SESSION_CACHE === "on";
    const listens = env.AUTH_CHANGE_FEED === "on" && env.databaseProvider === "postgresql";
    if (trusts && listens) listenForChanges(env.DATABASE_URL);
  }
  return globalForStrategy.__sessionStrategy;
}
