import { randomBytes } from "node:crypto";
import type { JWT } from "next-auth/jwt";
import type { Db } from "../../db";
import { claimsFromRow, claimsSelect, loadClaims, toSession, type SessionClaims } from "../claims";
import { feedState, lastChangeFor } from "./change-feed";
import { jwtDecrypterFor } from "./jwt-decrypter";
import {
  createSessionRow,
  endPreviousSession,
  endSessionRow,
  isPastAbsoluteLifetime,
  nowSeconds,
  secondsFromNow,
} from "./session-rows";
import type { SessionStrategy, StrategyEnv } from ".";

// AUTH_SESSION_STRATEGY=jwt: Auth.js's encrypted JWT cookie carries the claims and the id of the session's row
// (`sid`). The row, the user and the claims are re-checked at most every AUTH_JWT_RECHECK_SECONDS, so revocation
// and role changes take effect within that window; in between a request needs no database at all.

/** sids are 16 random bytes in base64url; anything else never reaches a query (PostgreSQL refuses NUL in text). */
function looksLikeSid(sid: unknown): sid is string {
  return typeof sid === "string" && /^[A-Za-z0-9_-]{22}$/.test(sid);
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

/** `checkedAt` in seconds as the token carries it; `readAtMs` when the database was asked, to order it with changes. */
type JwtCheck = { checkedAt: number; readAtMs: number; claims: SessionClaims | null };

// Recheck results per session id, shared by Auth.js's jwt callback and verify(), so one instance asks the
// database about a JWT session at most once per AUTH_JWT_RECHECK_SECONDS even when no new cookie can be written
// (Server Components cannot set cookies). Bounded: the oldest entries go first.
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

export function jwtStrategy(env: StrategyEnv, db: Db): SessionStrategy {
  const decrypt = jwtDecrypterFor(env.AUTH_SECRET);
  const fresh = (checkedAt: number) => nowSeconds() - checkedAt < env.AUTH_JWT_RECHECK_SECONDS;

  /**
   * The claims a decrypted token stands for right now, or null when the session must be rejected (not issued by
   * this app, idle past the token's exp, past its absolute lifetime, revoked, expired, or the user disabled).
   * Within AUTH_JWT_RECHECK_SECONDS of the last check the token's own claims are used without the database.
   */
  async function check(token: JWT, sliding: boolean): Promise<{ claims: SessionClaims; checkedAt: number } | null> {
    const { sid, authTime } = token;
    if (!looksLikeSid(sid) || typeof authTime !== "number") return null;
    // Auth.js decodes with 15 s of clock tolerance; the idle timeout is exact: this copy of the cookie ends at its
    // own exp. The row lives on (another copy may be newer and still in use) and ends at its own expiry.
    if (typeof token.exp !== "number" || token.exp <= nowSeconds()) return null;
    if (isPastAbsoluteLifetime(authTime, env)) {
      await endSessionRow(db, sid);
      return null;
    }
    const tokenCheckedAt = typeof token.claimsCheckedAt === "number" ? token.claimsCheckedAt : 0;
    const cached = jwtChecks.get(sid);
    // A change to this session, its user or its role since a check makes that check stale (change-feed.ts).
    const roles = [token.role, cached?.claims?.role].filter((role): role is string => typeof role === "string");
    const changedAt = lastChangeFor({ sessionId: sid, userId: token.sub ?? "", roles });
    if (cached && cached.checkedAt >= tokenCheckedAt && fresh(cached.checkedAt) && cached.readAtMs > changedAt) {
      return cached.claims ? { claims: cached.claims, checkedAt: cached.checkedAt } : null;
    }
    // The token's check time has whole seconds: it counts only when surely after the last change.
    if (fresh(tokenCheckedAt) && tokenCheckedAt * 1000 > changedAt) {
      const claims = claimsFromToken(token);
      return claims ? { claims, checkedAt: tokenCheckedAt } : null;
    }

    const now = nowSeconds();
    const readAtMs = Date.now();
    // Rows of the database strategy are never accepted here (their ids are not sids either).
    const row = await db.session.findUnique({
      where: { id: sid, strategy: "jwt" },
      select: { expires: true, lastSeenAt: true, user: { select: claimsSelect } },
    });
    if (!row || row.expires.getTime() <= Date.now() || !row.user.active) {
      await endSessionRow(db, sid);
      rememberCheck(sid, { checkedAt: now, readAtMs, claims: null });
      return null; // revoked, expired or disabled
    }
    if (sliding && Date.now() - row.lastSeenAt.getTime() >= env.AUTH_SESSION_UPDATE_AGE * 1000) {
      await db.session.updateMany({
        where: { id: sid },
        data: { lastSeenAt: new Date(), expires: secondsFromNow(env.AUTH_SESSION_MAX_AGE) },
      });
    }
    const claims = claimsFromRow(row.user);
    rememberCheck(sid, { checkedAt: now, readAtMs, claims });
    return { claims, checkedAt: now };
  }

  const verify: SessionStrategy["verify"] = async (cookie, { slide = true } = {}) => {
    const token = cookie && (await decrypt(cookie));
    if (!token || typeof token.exp !== "number") return null; // garbage, tampered, wrong key or expired
    const checked = await check(token, slide);
    return checked ? { session: toSession(checked.claims, new Date(token.exp * 1000)), sessionId: token.sid! } : null;
  };

  return {
    verify,
    changeFeed: feedState,
    authConfig: {
      session: { strategy: "jwt", maxAge: env.AUTH_SESSION_MAX_AGE, updateAge: env.AUTH_SESSION_UPDATE_AGE },
      callbacks: {
        async jwt({ token, user }) {
          if (user?.id) {
            // Sign-in: the claims come from the database, never from the form.
            await endPreviousSession(db, verify);
            const claims = await loadClaims(db, user.id);
            if (!claims) return null;
            const sid = randomBytes(16).toString("base64url");
            await createSessionRow(db, env, { userId: claims.id, id: sid });
            return tokenWithClaims(token, claims, sid, nowSeconds(), nowSeconds());
          }
          const checked = await check(token, true);
          // null clears the cookie; otherwise the re-issued cookie carries the current claims.
          return checked
            ? tokenWithClaims(token, checked.claims, token.sid!, token.authTime!, checked.checkedAt)
            : null;
        },
        async session({ token, session }) {
          const claims = claimsFromToken(token);
          if (!claims) throw new Error("Session token without claims");
          return toSession(claims, session.expires);
        },
      },
      events: {
        async signOut(message) {
          if ("token" in message && looksLikeSid(message.token?.sid)) await endSessionRow(db, message.token.sid);
        },
      },
    },
  };
}
