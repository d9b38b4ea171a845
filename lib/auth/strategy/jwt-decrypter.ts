import { decode, type JWT } from "next-auth/jwt";
import { decryptedCookieMemo } from "./decrypted-cookies";

// JWT session cookies decrypted by Auth.js's own decode(), each distinct value once per process: the session
// check (./jwt.ts) and the proxy's cookie renewal (./renewal.ts) share one memo per secret.

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

type JwtDecrypter = (cookie: { name: string; value: string }) => Promise<JWT | null>;

/** Decrypts Auth.js JWT cookies (null for garbage, tampered, wrong key or expired), each distinct value once. */
function createJwtDecrypter(secret: string | undefined): JwtDecrypter {
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

// On globalThis: the proxy and the pages are bundled separately but run in one process.
const globalForDecrypters = globalThis as unknown as { __jwtDecrypters?: Map<string, JwtDecrypter> };
const decrypters = (globalForDecrypters.__jwtDecrypters ??= new Map());

/** The process's decrypter for this secret. */
export function jwtDecrypterFor(secret: string | undefined): JwtDecrypter {
  let decrypter = decrypters.get(secret ?? "");
  if (!decrypter) decrypters.set(secret ?? "", (decrypter = createJwtDecrypter(secret)));
  return decrypter;
}
