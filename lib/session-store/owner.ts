import { createHash, randomBytes } from "node:crypto";

// Whose data a request reads and writes. A signed-in request owns the data of its session (Session.id in
// database mode, the token's `sid` = JwtSession.id in JWT mode); a signed-out visitor owns the data behind its
// anonymous cookie, of which only the SHA-256 hash is stored (a database dump cannot be replayed as a cookie).

export type SessionDataOwner =
  | { kind: "session"; key: string; strategy: "database" | "jwt"; sessionId: string }
  | { kind: "anonymous"; key: string };

export function sessionOwner(strategy: "database" | "jwt", sessionId: string): SessionDataOwner {
  return { kind: "session", key: `s:${sessionId}`, strategy, sessionId };
}

export function anonymousOwner(token: string): SessionDataOwner {
  return { kind: "anonymous", key: `a:${createHash("sha256").update(token).digest("hex")}` };
}

/** Anonymous data is kept this long after its last write (the cookie lives as long). */
export const ANONYMOUS_DATA_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** 256 bits from the CSPRNG, like the session tokens. */
export function generateAnonymousToken(): string {
  return randomBytes(32).toString("base64url");
}

export function looksLikeAnonymousToken(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}

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
