import { encode } from "next-auth/jwt";
import type { Env } from "../env";
import { looksLikeSessionToken } from "../session-token";
import { createJwtDecrypter } from "./jwt-decrypter";

// Sliding sessions need their cookie re-issued while they are used: a browser drops a cookie when its Max-Age
// runs out, however active the session is, and Server Components cannot set cookies. proxy.ts runs before every
// page and can, so it renews the session cookie there, at most every AUTH_SESSION_UPDATE_AGE per cookie:
//   database: the same opaque token with a new Max-Age (the Session row's expiry, slid by the DAL, is what counts);
//   jwt: a new token with a new `exp` (the token's own expiry is the idle timeout), claims and `sid` unchanged.
// Neither asks the database: a renewed cookie for a revoked session is still refused by the DAL's check.
// Nothing is renewed past the absolute lifetime, and chunked cookies (over 4 KB) are left to Auth.js.

type RenewalEnv = Pick<
  Env,
  "AUTH_SECRET" | "AUTH_SESSION_STRATEGY" | "AUTH_SESSION_MAX_AGE" | "AUTH_SESSION_UPDATE_AGE" | "AUTH_SESSION_ABSOLUTE_MAX_AGE"
>;

export type RenewedCookie = { name: string; value: string; maxAge: number };

const COOKIE_MAX_LENGTH = 4000;
const RENEWED_MEMO_LIMIT = 10_000;
const nowSeconds = () => Math.floor(Date.now() / 1000);

export function createSessionRenewer(env: RenewalEnv): (cookie: { name: string; value: string } | null) => Promise<RenewedCookie | null> {
  if (env.AUTH_SESSION_STRATEGY === "database") {
    // The token carries no issue time: remember when this instance last renewed each one (bounded, oldest first).
    const renewedAt = new Map<string, number>();
    return async (cookie) => {
      if (!cookie || !looksLikeSessionToken(cookie.value)) return null;
      const last = renewedAt.get(cookie.value);
      if (last !== undefined && nowSeconds() - last < env.AUTH_SESSION_UPDATE_AGE) return null;
      renewedAt.delete(cookie.value);
      renewedAt.set(cookie.value, nowSeconds());
      if (renewedAt.size > RENEWED_MEMO_LIMIT) renewedAt.delete(renewedAt.keys().next().value!);
      return { name: cookie.name, value: cookie.value, maxAge: env.AUTH_SESSION_MAX_AGE };
    };
  }

  const decrypt = createJwtDecrypter(env.AUTH_SECRET);
  return async (cookie) => {
    if (!cookie || !env.AUTH_SECRET) return null;
    const token = await decrypt(cookie);
    if (!token || typeof token.iat !== "number" || typeof token.exp !== "number" || typeof token.authTime !== "number") return null;
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
