import { decode, type JWT } from "next-auth/jwt";
import { decryptedCookieMemo } from "./decrypted-cookies";

// JWT session cookies decrypted by Auth.js's own decode(), each distinct value once per instance. Used by the
// DAL's session check and by the proxy's cookie renewal.

/** Decrypted JWT cookies kept per instance (≤ 4 KB each, so at most ~20 MB even when every entry is large). */
const DECRYPTED_COOKIE_LIMIT = 5_000;

/** Auth.js splits cookies into 4 KB chunks; a joined value beyond four chunks is not one it issued. */
const MAX_COOKIE_VALUE_LENGTH = 16_384;

/** Auth.js's decode() tolerates 15 s of clock skew; a remembered token is re-checked with the same rule. */
const CLOCK_TOLERANCE_SECONDS = 15;

/** The claim-time checks of Auth.js's decode(): not expired and not before `nbf`. */
function isWithinLifetime(claims: { exp?: unknown; nbf?: unknown }, nowMs = Date.now()): boolean {
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.exp === "number" && claims.exp <= now - CLOCK_TOLERANCE_SECONDS) return false;
  if (typeof claims.nbf === "number" && claims.nbf > now + CLOCK_TOLERANCE_SECONDS) return false;
  return true;
}

/** Decrypts Auth.js JWT cookies (null for garbage, tampered, wrong key or expired), each distinct value once. */
export function createJwtDecrypter(secret: string | undefined) {
  // A signed-in browser sends the same cookie until Auth.js re-issues it: decrypt it once, not per request.
  const decrypted = decryptedCookieMemo<JWT>(DECRYPTED_COOKIE_LIMIT);
  return async (cookie: { name: string; value: string }): Promise<JWT | null> => {
    if (cookie.value.length > MAX_COOKIE_VALUE_LENGTH) return null;
    const known = decrypted.get(cookie.name, cookie.value);
    if (known) return isWithinLifetime(known) ? known : null;
    // The cookie name is the key-derivation salt, exactly as Auth.js reads its own cookie.
    const token = await decode({ token: cookie.value, secret: secret ?? "", salt: cookie.name }).catch(() => null);
    if (token) decrypted.set(cookie.name, cookie.value, token);
    return token;
  };
}
