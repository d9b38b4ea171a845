import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Adapter, AdapterSession, AdapterUser } from "next-auth/adapters";
import type { Db } from "../../db";
import { generateToken, hashToken, looksLikeToken } from "../random-token";
import { loadClaims, toSession, type SessionClaims } from "../claims";
import { feedState, lastChangeFor } from "./change-feed";
import { sessionLookupFor, type SessionRow } from "./database-lookup";
import { createSessionRow, endPreviousSession, isPastAbsoluteLifetime, secondsFromNow } from "./session-rows";
import type { SessionStrategy, StrategyEnv } from ".";

// AUTH_SESSION_STRATEGY=database. Auth.js refuses `strategy: "database"` with a credentials-only setup, but with
// an adapter and the strategy key omitted it defaults to database sessions while the credentials callback still
// calls jwt.encode() to make the cookie. Our encode() creates the Session row there and returns its token, so
// the cookie is an opaque 256-bit token and the row stores only its SHA-256 hash.

type LiveRow = { id: string; tokenHash: string; expires: Date; lastSeenAt: Date; claims: SessionClaims };

/** A lookup remembered with the time (ms) the database was asked, to order it with announced changes. */
type CachedLookup = { row: SessionRow; readAtMs: number };
const LOOKUP_CACHE_LIMIT = 10_000;
// A bound of its own, in case a notification were ever lost while the connection stayed up.
const LOOKUP_CACHE_MAX_AGE_MS = 60_000;

/**
 * AUTH_DATABASE_SESSION_CACHE=on: lookups by token hash, trusted only while the change feed is live and nothing
 * announced about the session, its user or its role since the read. Bounded: the oldest entries go first.
 */
function lookupCache() {
  const entries = new Map<string, CachedLookup>();
  return {
    get(tokenHash: string): SessionRow | null {
      const entry = entries.get(tokenHash);
      if (!entry || feedState() !== "live" || Date.now() - entry.readAtMs > LOOKUP_CACHE_MAX_AGE_MS) return null;
      const { row } = entry;
      const changedAt = lastChangeFor({ sessionId: row.id, userId: row.claims.id, roles: [row.claims.role] });
      return entry.readAtMs > changedAt ? row : null;
    },
    set(tokenHash: string, entry: CachedLookup) {
      entries.delete(tokenHash);
      entries.set(tokenHash, entry);
      if (entries.size > LOOKUP_CACHE_LIMIT) entries.delete(entries.keys().next().value!);
    },
    delete: (tokenHash: string) => entries.delete(tokenHash),
  };
}

export function databaseStrategy(env: StrategyEnv, db: Db): SessionStrategy {
  const cache = env.AUTH_DATABASE_SESSION_CACHE === "on" ? lookupCache() : null;
  // Prepared on first use, not here: `next build` loads the config without a database.
  const lookup = async (tokenHash: string) => {
    const remembered = cache?.get(tokenHash);
    if (remembered) return remembered;
    const readAtMs = Date.now();
    const row = await sessionLookupFor(db, env)(tokenHash);
    if (row && cache) cache.set(tokenHash, { row, readAtMs });
    return row;
  };
  const forget = (tokenHash: string) => cache?.delete(tokenHash);

  /**
   * The live session for a cookie value, or null: one indexed lookup by token hash with the user's claims joined;
   * an expired, too old or disabled session is deleted on sight. Used by verify() and by the adapter (Auth.js's
   * endpoints), so both accept and reject exactly the same cookies.
   */
  async function find(cookieValue: string): Promise<LiveRow | null> {
    if (!looksLikeToken(cookieValue)) return null;
    const tokenHash = hashToken(cookieValue);
    const row = await lookup(tokenHash);
    if (!row) return null;
    if (row.expiresMs <= Date.now() || isPastAbsoluteLifetime(new Date(row.createdAtMs), env) || !row.active) {
      forget(tokenHash);
      await db.session.deleteMany({ where: { sessionToken: tokenHash } });
      return null;
    }
    const { id, claims } = row;
    return { id, tokenHash, expires: new Date(row.expiresMs), lastSeenAt: new Date(row.lastSeenAtMs), claims };
  }

  /** Slides the idle expiry, at most every AUTH_SESSION_UPDATE_AGE (as Auth.js does). */
  async function slide(row: LiveRow): Promise<Date> {
    if (Date.now() - row.lastSeenAt.getTime() < env.AUTH_SESSION_UPDATE_AGE * 1000) return row.expires;
    const expires = secondsFromNow(env.AUTH_SESSION_MAX_AGE);
    forget(row.tokenHash); // the next request reads the new expiry
    await db.session.updateMany({ where: { id: row.id }, data: { expires, lastSeenAt: new Date() } });
    return expires;
  }

  const verify: SessionStrategy["verify"] = async (cookie, { slide: sliding = true } = {}) => {
    const row = cookie && (await find(cookie.value));
    if (!row) return null;
    const expires = sliding ? await slide(row) : row.expires;
    return { session: toSession(row.claims, expires), sessionId: row.id };
  };

  const byToken = (sessionToken: string) => ({ sessionToken: hashToken(sessionToken) });
  // The Prisma adapter, with session tokens hashed at rest and the user's claims loaded in the same query.
  const adapter: Adapter = {
    ...PrismaAdapter(db),
    async createSession(session: AdapterSession) {
      await db.session.create({
        data: { ...byToken(session.sessionToken), userId: session.userId, expires: session.expires },
      });
      return session;
    },
    async getSessionAndUser(sessionToken: string) {
      const row = await find(sessionToken);
      if (!row) return null;
      const user: AdapterUser = { ...row.claims, emailVerified: null };
      return { session: { sessionToken, userId: row.claims.id, expires: row.expires }, user };
    },
    async updateSession({ sessionToken, expires }) {
      // Called by Auth.js at most every updateAge: slide the idle timeout and record activity.
      if (!looksLikeToken(sessionToken) || !expires) return null;
      forget(hashToken(sessionToken));
      await db.session.updateMany({ where: byToken(sessionToken), data: { expires, lastSeenAt: new Date() } });
      return null;
    },
    async deleteSession(sessionToken: string) {
      if (!looksLikeToken(sessionToken)) return null;
      // Sign-out: this instance stops trusting the lookup at once; others hear of it from the feed.
      forget(hashToken(sessionToken));
      await db.session.deleteMany({ where: byToken(sessionToken) });
      return null;
    },
  };

  return {
    verify,
    // Every request reads the row and the user (a change is seen on the next request without being told),
    // unless lookups are cached: then the feed is what makes a cached lookup stale.
    changeFeed: () => (cache ? feedState() : "not needed"),
    authConfig: {
      adapter,
      // The strategy key is omitted on purpose (see the top of this module).
      session: { maxAge: env.AUTH_SESSION_MAX_AGE, updateAge: env.AUTH_SESSION_UPDATE_AGE },
      jwt: {
        async encode({ token }) {
          if (!token?.sub) throw new Error("Cannot create a session without a user id");
          const cookie = generateToken();
          await createSessionRow(db, env, { userId: token.sub, sessionToken: hashToken(cookie) });
          return cookie;
        },
        // The cookie is an opaque token, never a JWT.
        decode: async () => null,
      },
      callbacks: {
        async jwt({ token, user }) {
          if (!user?.id) return token;
          // Sign-in: the claims come from the database, never from the form; encode() turns `sub` into the row.
          await endPreviousSession(db, verify);
          const claims = await loadClaims(db, user.id);
          return claims ? { sub: claims.id } : null;
        },
        async session(params) {
          const { user, session } = params as unknown as { user: AdapterUser; session: { expires: Date } };
          if (!user.role || !user.permissions) throw new Error("Session user without claims");
          const claims = { ...user, name: user.name ?? null, role: user.role, permissions: user.permissions };
          return toSession(claims, new Date(session.expires));
        },
      },
    },
  };
}
