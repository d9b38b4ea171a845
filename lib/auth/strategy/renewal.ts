import { encode } from "next-auth/jwt";
import type { Env } from "../../env";
import { looksLikeToken } from "../random-token";
import { jwtDecrypterFor } from "./jwt-decrypter";

// Sliding sessions need their cookie re-issued while they are used: a browser drops a cookie when its Max-Age
// runs out, however active the session is, and Server Components cannot set cookies. proxy.ts runs before every
// page and can, so it renews the session cookie there, at most every AUTH_SESSION_UPDATE_AGE per cookie:
//   database: the same opaque token with a new Max-Age (the Session row's expiry, slid by the DAL, is what counts);
//   jwt: a new token with a new `exp` (the token's own expiry is the idle timeout), claims and `sid` unchanged.
// Neither asks the database: only a cookie value the DAL accepted on this instance within the idle timeout is
// renewed (markSessionLive), so garbage, forged or hostile cookies never get a Set-Cookie, and a renewed cookie
// for a session revoked since is still refused by the DAL's check.
// Nothing is renewed past the absolute lifetime, and chunked cookies (over 4 KB) are left to Auth.js.

type RenewalEnv = Pick<
  Env,
  | "AUTH_SECRET"
  | "AUTH_SESSION_STRATEGY"
  | "AUTH_SESSION_MAX_AGE"
  | "AUTH_SESSION_UPDATE_AGE"
  | "AUTH_SESSION_ABSOLUTE_MAX_AGE"
>;

type RenewedCookie = { name: string; value: string; maxAge: number };

const COOKIE_MAX_LENGTH = 4000;
const RENEWED_MEMO_LIMIT = 10_000;
const nowSeconds = () => Math.floor(Date.now() / 1000);

// Shared through globalThis: the proxy and the pages are bundled separately but run in one process.
const LIVE_LIMIT = 10_000;
const globalForLive = globalThis as unknown as { __liveSessionCookies?: Map<string, number> };
const liveCookies = (globalForLive.__liveSessionCookies ??= new Map());

/** Records that the DAL accepted this session cookie value just now (bounded, oldest first). */
export function markSessionLive(value: string): void {
  liveCookies.delete(value);
  liveCookies.set(value, nowSeconds());
  if (liveCookies.size > LIVE_LIMIT) liveCookies.delete(liveCookies.keys().next().value!);
}

function acceptedRecently(value: string, withinSeconds: number): boolean {
  const at = liveCookies.get(value);
  return at !== undefined && nowSeconds() - at < withinSeconds;
}

/** Set-Cookie options for a renewed session cookie: the ones Auth.js gives it. */
export function renewedCookieOptions(renewed: RenewedCookie) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    path: "/",
    secure: renewed.name.startsWith("__"),
    maxAge: renewed.maxAge,
  };
}

export function createSessionRenewer(
  env: RenewalEnv,
): (cookie: { name: string; value: string } | null) => Promise<RenewedCookie | null> {
  if (env.AUTH_SESSION_STRATEGY === "database") {
    // The token carries no issue time: remember when this instance last renewed each one (bounded, oldest first).
    const renewedAt = new Map<string, number>();
    return async (cookie) => {
      if (!cookie || !looksLikeToken(cookie.value) || !acceptedRecently(cookie.value, env.AUTH_SESSION_MAX_AGE))
        return null;
      // First sight counts as issued now (the cookie is at most that old, give or take the time since it was set).
      const last = renewedAt.get(cookie.value);
      const due = last !== undefined && nowSeconds() - last >= env.AUTH_SESSION_UPDATE_AGE;
      if (last !== undefined && !due) return null;
      renewedAt.delete(cookie.value);
      renewedAt.set(cookie.value, nowSeconds());
      if (renewedAt.size > RENEWED_MEMO_LIMIT) renewedAt.delete(renewedAt.keys().next().value!);
      return due ? { name: cookie.name, value: cookie.value, maxAge: env.AUTH_SESSION_MAX_AGE } : null;
    };
  }

  const decrypt = jwtDecrypterFor(env.AUTH_SECRET);
  return async (cookie) => {
    if (!cookie || !env.AUTH_SECRET || !acceptedRecently(cookie.value, env.AUTH_SESSION_MAX_AGE)) return null;
    const token = await decrypt(cookie);
    if (!token || typeof token.iat !== "number" || typeof token.exp !== "number" || typeof token.authTime !== "number")
      return null;
    const now = nowSeconds();
    // Decryption allows Auth.js's clock tolerance past `exp`; a token that has expired is never renewed.
    if (token.exp <= now || now - token.iat < env.AUTH_SESSION_UPDATE_AGE) return null;
    const maxAge = Math.min(env.AUTH_SESSION_MAX_AGE, token.authTime + env.AUTH_SESSION_ABSOLUTE_MAX_AGE - now);
    if (maxAge <= 0) return null;
    // encode() sets a new iat, exp and jti.
    const claims = Object.fromEntries(Object.entries(token).filter(([key]) => !["iat", "exp", "jti"].includes(key)));
    const value = await encode({ token: claims, secret: env.AUTH_SECRET, salt: cookie.name, maxAge });
    return value.length <= COOKIE_MAX_LENGTH ? { name: cookie.name, value, maxAge } : null;
  };
}
