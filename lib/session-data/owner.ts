import { generateToken, hashToken, looksLikeToken } from "../auth/random-token";

// Whose data a request reads and writes. A signed-in request owns the data of its Session row; a signed-out
// visitor owns the data behind its anonymous cookie, of which only the SHA-256 hash is stored (a database dump
// cannot be replayed as a cookie). The anonymous cookie is made exactly like a database session token.

export type SessionDataOwner = { kind: "session"; key: string; sessionId: string } | { kind: "anonymous"; key: string };

export function sessionOwner(sessionId: string): SessionDataOwner {
  return { kind: "session", key: `s:${sessionId}`, sessionId };
}

export function anonymousOwner(token: string): SessionDataOwner {
  return { kind: "anonymous", key: `a:${hashToken(token)}` };
}

/** Anonymous data is kept this long after its last write (the cookie lives as long). */
export const ANONYMOUS_DATA_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export const generateAnonymousToken = generateToken;
export const looksLikeAnonymousToken = looksLikeToken;

/**
 * The anonymous cookie: HttpOnly, SameSite=Lax; on https (`secure`: the session cookie is __Host- or __Secure- for
 * this request, lib/auth/session-cookie.ts) Secure with the __Host- prefix, which no other host can plant.
 */
export function anonymousCookie(secure: boolean) {
  return {
    name: secure ? "__Host-session-data.anon" : "session-data.anon",
    options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure, maxAge: ANONYMOUS_DATA_MAX_AGE_SECONDS },
  };
}
