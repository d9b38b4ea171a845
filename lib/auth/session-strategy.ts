import { randomBytes } from "node:crypto";
import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Adapter, AdapterSession, AdapterUser } from "next-auth/adapters";
import { decode as decodeJwt, encode as encodeJwt, type JWT } from "next-auth/jwt";
import type { NextAuthConfig, Session } from "next-auth";
import type { Db } from "../db";
import type { Env } from "../env";
import { generateSessionToken, hashSessionToken, looksLikeSessionToken } from "../session-token";
import { claimsFromRow, claimsSelect, loadClaims, type SessionClaims } from "./claims";
import { currentRequestMeta } from "./request-meta";
import { currentSessionCookie } from "./session-cookie";
import { sessionLookupFor } from "./session-lookup";

// Everything that differs between AUTH_SESSION_STRATEGY=database and =jwt lives in this module.
//
// database: Auth.js refuses `strategy: "database"` with a credentials-only setup, but with an adapter and
//   the strategy key omitted it defaults to database sessions while the credentials callback still calls
//   jwt.encode() to make the cookie. Our encode() creates the Session row there and returns its token,
//   so the cookie is an opaque 256-bit token and the row stores only its SHA-256 hash.
// jwt: Auth.js's encrypted JWT cookie carrying the claims and a session id (`sid`). A JwtSession row with
//   that id makes the session listable and revocable; the row, the user and the claims are re-checked at
//   most every AUTH_JWT_RECHECK_SECONDS, so revocation and role changes take effect within that window.
// Both: idle timeout AUTH_SESSION_MAX_AGE (sliding, extended at most every AUTH_SESSION_UPDATE_AGE) and an
//   absolute lifetime AUTH_SESSION_ABSOLUTE_MAX_AGE from sign-in; a sign-in ends the browser's previous session.

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
>;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const secondsFromNow = (seconds: number) => new Date(Date.now() + seconds * 1000);

/** Creates a Session row for the user and returns the cookie value (the row holds only its hash). */
async function createDatabaseSession(db: Db, userId: string, maxAgeSeconds: number): Promise<string> {
  const token = generateSessionToken();
  const meta = await currentRequestMeta();
  await db.session.create({
    data: {
      sessionToken: hashSessionToken(token),
      userId,
      expires: secondsFromNow(maxAgeSeconds),
      userAgent: meta.userAgent,
      ip: meta.ip,
    },
  });
  return token;
}

/** Records a JWT-mode session and returns its id (the token's `sid`). */
async function createJwtSession(db: Db, userId: string, maxAgeSeconds: number): Promise<string> {
  const id = randomBytes(16).toString("base64url");
  const meta = await currentRequestMeta();
  await db.jwtSession.create({
    data: { id, userId, expires: secondsFromNow(maxAgeSeconds), userAgent: meta.userAgent, ip: meta.ip },
  });
  return id;
}

function isPastAbsoluteLifetime(signedInAt: Date | number, env: StrategyEnv): boolean {
  const ms = typeof signedInAt === "number" ? signedInAt * 1000 : signedInAt.getTime();
  return ms + env.AUTH_SESSION_ABSOLUTE_MAX_AGE * 1000 <= Date.now();
}

type DatabaseSession = { id: string; expires: Date; lastSeenAt: Date; claims: SessionClaims };

/**
 * Database mode: the live session for a cookie value, or null. One indexed lookup by token hash with the
 * user's claims joined; an expired, too old or disabled session is deleted on sight. Used by the adapter
 * (Auth.js's endpoints) and by the DAL's fast path, so both accept and reject exactly the same cookies.
 */
export async function findDatabaseSession(
  db: Db,
  env: StrategyEnv,
  sessionToken: string,
): Promise<DatabaseSession | null> {
  if (!looksLikeSessionToken(sessionToken)) return null;
  const tokenHash = hashSessionToken(sessionToken);
  const row = await sessionLookupFor(db, env)(tokenHash);
  if (!row) return null;
  if (row.expiresMs <= Date.now() || isPastAbsoluteLifetime(new Date(row.createdAtMs), env) || !row.active) {
    await db.session.deleteMany({ where: { sessionToken: tokenHash } });
    return null;
  }
  return { id: row.id, expires: new Date(row.expiresMs), lastSeenAt: new Date(row.lastSeenAtMs), claims: row.claims };
}

/** Slides a database session's idle expiry, at most every AUTH_SESSION_UPDATE_AGE (as Auth.js does). */
export async function touchDatabaseSession(db: Db, env: StrategyEnv, session: DatabaseSession): Promise<Date> {
  if (Date.now() - session.lastSeenAt.getTime() < env.AUTH_SESSION_UPDATE_AGE * 1000) return session.expires;
  const expires = secondsFromNow(env.AUTH_SESSION_MAX_AGE);
  await db.session.updateMany({ where: { id: session.id }, data: { expires, lastSeenAt: new Date() } });
  return expires;
}

/** The Prisma adapter, with session tokens hashed at rest and the user's claims loaded in the same query. */
function hashedTokenAdapter(db: Db, env: StrategyEnv): Adapter {
  const base = PrismaAdapter(db);
  const byToken = (sessionToken: string) => ({ sessionToken: hashSessionToken(sessionToken) });
  return {
    ...base,
    async createSession(session: AdapterSession) {
      await db.session.create({
        data: { ...byToken(session.sessionToken), userId: session.userId, expires: session.expires },
      });
      return session;
    },
    async getSessionAndUser(sessionToken: string) {
      const found = await findDatabaseSession(db, env, sessionToken);
      if (!found) return null;
      const user: AdapterUser = { ...found.claims, emailVerified: null };
      return { session: { sessionToken, userId: found.claims.id, expires: found.expires }, user };
    },
    async updateSession({ sessionToken, expires }) {
      // Called by Auth.js at most every updateAge: slide the idle timeout and record activity.
      if (!looksLikeSessionToken(sessionToken) || !expires) return null;
      await db.session.updateMany({ where: byToken(sessionToken), data: { expires, lastSeenAt: new Date() } });
      return null;
    },
    async deleteSession(sessionToken: string) {
      if (looksLikeSessionToken(sessionToken)) await db.session.deleteMany({ where: byToken(sessionToken) });
      return null;
    },
  };
}

/** The id of the session the current request carries (Session.id or JwtSession.id), or null. */
async function currentSessionId(db: Db, env: StrategyEnv): Promise<string | null> {
  const cookie = await currentSessionCookie();
  if (!cookie) return null;
  if (env.AUTH_SESSION_STRATEGY === "database") {
    if (!looksLikeSessionToken(cookie.value)) return null;
    const row = await db.session.findUnique({
      where: { sessionToken: hashSessionToken(cookie.value) },
      select: { id: true },
    });
    return row?.id ?? null;
  }
  const token = await decodeJwt({ token: cookie.value, secret: env.AUTH_SECRET ?? "", salt: cookie.name }).catch(
    () => null,
  );
  return looksLikeSid(token?.sid) ? token.sid : null;
}

/** sids are 16 random bytes in base64url; anything else never reaches a query (PostgreSQL refuses NUL in text). */
function looksLikeSid(sid: unknown): sid is string {
  return typeof sid === "string" && /^[A-Za-z0-9_-]{22}$/.test(sid);
}

/** Session fixation (ASVS 7.2.4): a sign-in ends whatever session the browser presented before it. */
async function endPreviousSession(db: Db, env: StrategyEnv): Promise<void> {
  const previous = await currentSessionId(db, env);
  if (!previous) return;
  await db.session.deleteMany({ where: { id: previous } });
  await db.jwtSession.deleteMany({ where: { id: previous } });
}

function sessionFromClaims(claims: SessionClaims, expires: string): Session {
  // A new object with exactly the fields we expose: never the token, the hash or other columns.
  return {
    expires,
    user: {
      id: claims.id,
      email: claims.email,
      name: claims.name,
      role: claims.role,
      permissions: [...claims.permissions],
    },
  };
}

function claimsFromToken(token: JWT): SessionClaims | null {
  if (!token.sub || !token.email || !token.role || !Array.isArray(token.permissions)) return null;
  return {
    id: token.sub,
    email: token.email,
    name: token.name ?? null,
    role: token.role,
    permissions: token.permissions,
  };
}

function tokenWithClaims(token: JWT, claims: SessionClaims, sid: string, authTime: number, checkedAt: number): JWT {
  return {
    sub: claims.id,
    email: claims.email,
    name: claims.name,
    role: claims.role,
    permissions: claims.permissions,
    sid,
    authTime,
    claimsCheckedAt: checkedAt,
    iat: token.iat,
    exp: token.exp,
    jti: token.jti,
  };
}

type JwtCheck = { checkedAt: number; claims: SessionClaims | null };

// Recheck results per session id, shared by Auth.js's jwt callback and the DAL's fast path, so one instance
// asks the database about a JWT session at most once per AUTH_JWT_RECHECK_SECONDS even when no new cookie can
// be written (Server Components cannot set cookies). Bounded: the oldest entries go first.
const JWT_CHECK_CACHE_LIMIT = 10_000;
const globalForChecks = globalThis as unknown as { __jwtChecks?: Map<string, JwtCheck> };
const jwtChecks = (globalForChecks.__jwtChecks ??= new Map());

function rememberCheck(sid: string, check: JwtCheck) {
  jwtChecks.delete(sid);
  jwtChecks.set(sid, check);
  if (jwtChecks.size > JWT_CHECK_CACHE_LIMIT) jwtChecks.delete(jwtChecks.keys().next().value!);
}

/** Forget cached JWT rechecks (tests that change rows behind the app's back in the same process). */
export function clearJwtCheckCache() {
  jwtChecks.clear();
}

/**
 * JWT mode: the claims a decrypted token stands for right now, or null when the session must be rejected
 * (not issued by this app, past its absolute lifetime, revoked, expired, or the user disabled).
 * Within AUTH_JWT_RECHECK_SECONDS of the last check the token's own claims are used without the database.
 */
export async function checkJwtSession(
  db: Db,
  env: StrategyEnv,
  token: JWT,
): Promise<{ claims: SessionClaims; checkedAt: number } | null> {
  const { sid, authTime } = token;
  if (!looksLikeSid(sid) || typeof authTime !== "number") return null;
  if (isPastAbsoluteLifetime(authTime, env)) {
    await db.jwtSession.deleteMany({ where: { id: sid } });
    return null;
  }
  const now = nowSeconds();
  const fresh = (checkedAt: number) => now - checkedAt < env.AUTH_JWT_RECHECK_SECONDS;
  const tokenCheckedAt = typeof token.claimsCheckedAt === "number" ? token.claimsCheckedAt : 0;
  const cached = jwtChecks.get(sid);
  if (cached && cached.checkedAt >= tokenCheckedAt && fresh(cached.checkedAt)) {
    return cached.claims ? { claims: cached.claims, checkedAt: cached.checkedAt } : null;
  }
  if (fresh(tokenCheckedAt)) {
    const claims = claimsFromToken(token);
    return claims ? { claims, checkedAt: tokenCheckedAt } : null;
  }

  const row = await db.jwtSession.findUnique({
    where: { id: sid },
    select: { expires: true, lastSeenAt: true, user: { select: claimsSelect } },
  });
  if (!row || row.expires.getTime() <= Date.now() || !row.user.active) {
    await db.jwtSession.deleteMany({ where: { id: sid } });
    rememberCheck(sid, { checkedAt: now, claims: null });
    return null; // revoked, expired or disabled
  }
  if (Date.now() - row.lastSeenAt.getTime() >= env.AUTH_SESSION_UPDATE_AGE * 1000) {
    await db.jwtSession.update({
      where: { id: sid },
      data: { lastSeenAt: new Date(), expires: secondsFromNow(env.AUTH_SESSION_MAX_AGE) },
    });
  }
  const claims = claimsFromRow(row.user);
  rememberCheck(sid, { checkedAt: now, claims });
  return { claims, checkedAt: now };
}

/** The strategy-dependent part of the Auth.js config. */
export function sessionStrategyConfig(env: StrategyEnv, db: Db) {
  const database = env.AUTH_SESSION_STRATEGY === "database";
  const session = { maxAge: env.AUTH_SESSION_MAX_AGE, updateAge: env.AUTH_SESSION_UPDATE_AGE };

  return {
    adapter: database ? hashedTokenAdapter(db, env) : undefined,
    // database: the key is omitted on purpose (see the comment at the top of this module).
    session: database ? session : { ...session, strategy: "jwt" as const },
    jwt: {
      async encode(params) {
        if (!database) return encodeJwt(params);
        if (!params.token?.sub) throw new Error("Cannot create a session without a user id");
        return createDatabaseSession(db, params.token.sub, env.AUTH_SESSION_MAX_AGE);
      },
      async decode(params) {
        // In database mode the cookie is an opaque token, never a JWT.
        return database ? null : decodeJwt(params);
      },
    },
    callbacks: {
      async jwt({ token, user }) {
        if (user?.id) {
          // Sign-in: the claims come from the database, never from the form.
          await endPreviousSession(db, env);
          const claims = await loadClaims(db, user.id);
          if (!claims) return null;
          // database mode only needs `sub` (encode() turns it into a Session row).
          if (database) return { sub: claims.id };
          const sid = await createJwtSession(db, claims.id, env.AUTH_SESSION_MAX_AGE);
          return tokenWithClaims(token, claims, sid, nowSeconds(), nowSeconds());
        }
        if (database) return token;
        const checked = await checkJwtSession(db, env, token);
        // null clears the cookie; otherwise the re-issued cookie carries the current claims.
        return checked ? tokenWithClaims(token, checked.claims, token.sid!, token.authTime!, checked.checkedAt) : null;
      },
      async session(params) {
        if (database) {
          const { user, session: row } = params as { user: AdapterUser; session: { expires: Date } };
          if (!user.role || !user.permissions) throw new Error("Session user without claims");
          const claims = {
            id: user.id,
            email: user.email,
            name: user.name ?? null,
            role: user.role,
            permissions: user.permissions,
          };
          return sessionFromClaims(claims, new Date(row.expires).toISOString());
        }
        const { token, session: current } = params as { token: JWT; session: { expires: string } };
        const claims = claimsFromToken(token);
        if (!claims) throw new Error("Session token without claims");
        return sessionFromClaims(claims, current.expires);
      },
    },
    events: {
      async signOut(message) {
        // JWT mode: forget the session record too (database mode: the adapter already deleted the row).
        if ("token" in message && typeof message.token?.sid === "string") {
          await db.jwtSession.deleteMany({ where: { id: message.token.sid } });
        }
      },
    },
  } satisfies Partial<NextAuthConfig>;
}
