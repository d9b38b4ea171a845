import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Adapter, AdapterSession, AdapterUser } from "next-auth/adapters";
import { decode as decodeJwt, encode as encodeJwt, type JWT } from "next-auth/jwt";
import type { NextAuthConfig, Session } from "next-auth";
import type { Db } from "../db";
import type { Env } from "../env";
import { generateSessionToken, hashSessionToken, looksLikeSessionToken } from "../session-token";
import { claimsFromRow, claimsSelect, loadClaims, type SessionClaims } from "./claims";
import { currentRequestMeta } from "./request-meta";

// Everything that differs between AUTH_SESSION_STRATEGY=database and =jwt lives in this module.
//
// database: Auth.js refuses `strategy: "database"` with a credentials-only setup, but with an adapter and
//   the strategy key omitted it defaults to database sessions while the credentials callback still calls
//   jwt.encode() to make the cookie. Our encode() creates the Session row there and returns its token,
//   so the cookie is an opaque 256-bit token and the row stores only its SHA-256 hash.
// jwt: Auth.js's encrypted JWT cookie carrying the claims, re-checked against the database every
//   AUTH_JWT_RECHECK_SECONDS so role changes and disabled users take effect within that window.

type StrategyEnv = Pick<
  Env,
  "AUTH_SESSION_STRATEGY" | "AUTH_SESSION_MAX_AGE" | "AUTH_SESSION_UPDATE_AGE" | "AUTH_JWT_RECHECK_SECONDS"
>;

/** Creates a Session row for the user and returns the cookie value (the row holds only its hash). */
export async function createDatabaseSession(db: Db, userId: string, maxAgeSeconds: number): Promise<string> {
  const token = generateSessionToken();
  const meta = await currentRequestMeta();
  await db.session.create({
    data: {
      sessionToken: hashSessionToken(token),
      userId,
      expires: new Date(Date.now() + maxAgeSeconds * 1000),
      userAgent: meta.userAgent,
      ip: meta.ip,
    },
  });
  return token;
}

/** The Prisma adapter, with session tokens hashed at rest and the user's claims loaded in the same query. */
export function hashedTokenAdapter(db: Db): Adapter {
  const base = PrismaAdapter(db);
  return {
    ...base,
    async createSession(session: AdapterSession) {
      await db.session.create({
        data: { sessionToken: hashSessionToken(session.sessionToken), userId: session.userId, expires: session.expires },
      });
      return session;
    },
    async getSessionAndUser(sessionToken: string) {
      if (!looksLikeSessionToken(sessionToken)) return null;
      const row = await db.session.findUnique({
        where: { sessionToken: hashSessionToken(sessionToken) },
        select: { userId: true, expires: true, user: { select: claimsSelect } },
      });
      if (!row) return null;
      if (row.expires.getTime() <= Date.now() || !row.user.active) {
        await db.session.deleteMany({ where: { sessionToken: hashSessionToken(sessionToken) } });
        return null;
      }
      const claims = claimsFromRow(row.user);
      const user: AdapterUser = { ...claims, emailVerified: null };
      return { session: { sessionToken, userId: row.userId, expires: row.expires }, user };
    },
    async updateSession({ sessionToken, expires }) {
      if (!looksLikeSessionToken(sessionToken) || !expires) return null;
      await db.session.updateMany({
        where: { sessionToken: hashSessionToken(sessionToken) },
        data: { expires, lastSeenAt: new Date() },
      });
      return null;
    },
    async deleteSession(sessionToken: string) {
      if (looksLikeSessionToken(sessionToken)) {
        await db.session.deleteMany({ where: { sessionToken: hashSessionToken(sessionToken) } });
      }
      return null;
    },
  };
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
  return { id: token.sub, email: token.email, name: token.name ?? null, role: token.role, permissions: token.permissions };
}

function withClaims(token: JWT, claims: SessionClaims): JWT {
  return {
    sub: claims.id,
    email: claims.email,
    name: claims.name,
    role: claims.role,
    permissions: claims.permissions,
    claimsCheckedAt: Math.floor(Date.now() / 1000),
    iat: token.iat,
    exp: token.exp,
    jti: token.jti,
  };
}

/** The strategy-dependent part of the Auth.js config. */
export function sessionStrategyConfig(env: StrategyEnv, db: Db) {
  const database = env.AUTH_SESSION_STRATEGY === "database";
  const session = { maxAge: env.AUTH_SESSION_MAX_AGE, updateAge: env.AUTH_SESSION_UPDATE_AGE };

  return {
    adapter: database ? hashedTokenAdapter(db) : undefined,
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
          const claims = await loadClaims(db, user.id);
          return claims ? withClaims(token, claims) : null;
        }
        const checkedAt = typeof token.claimsCheckedAt === "number" ? token.claimsCheckedAt : 0;
        if (token.sub && Date.now() / 1000 - checkedAt >= env.AUTH_JWT_RECHECK_SECONDS) {
          const claims = await loadClaims(db, token.sub);
          return claims ? withClaims(token, claims) : null; // null clears the cookie: user gone or disabled
        }
        return token;
      },
      async session(params) {
        if (database) {
          const { user, session: row } = params as { user: AdapterUser; session: { expires: Date } };
          if (!user.role || !user.permissions) throw new Error("Session user without claims");
          const claims: SessionClaims = {
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
  } satisfies Partial<NextAuthConfig>;
}
