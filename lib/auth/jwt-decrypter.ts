import { hkdf } from "@panva/hkdf";
import type { JWT } from "next-auth/jwt";
import { decryptedCookieMemo } from "./decrypted-cookies";
import { decryptSessionJwt, isWithinLifetime, keyThumbprint } from "./jwe";

// JWT session cookies decrypted with node:crypto (lib/auth/jwe.ts), each distinct value once, with keys derived
// once per cookie name. Used by the DAL's session check and by the proxy's cookie renewal.

/** Decrypted JWT cookies kept per instance (≤ 4 KB each, so at most ~20 MB even when every entry is large). */
const DECRYPTED_COOKIE_LIMIT = 5_000;

/** Auth.js's key derivation (@auth/core/jwt getDerivedEncryptionKey), done once per cookie name. */
function keyDeriver(secret: string) {
  const derive = (salt: string, length: number) => hkdf("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, length);
  const keys = new Map<string, Promise<{ keys: { cbc: Buffer; gcm: Buffer }; thumbprints: { cbc: string; gcm: string } }>>();
  return (salt: string) => {
    let entry = keys.get(salt);
    if (!entry) {
      entry = Promise.all([derive(salt, 64), derive(salt, 32)]).then(([cbc, gcm]) => {
        const pair = { cbc: Buffer.from(cbc), gcm: Buffer.from(gcm) };
        return { keys: pair, thumbprints: { cbc: keyThumbprint(pair.cbc), gcm: keyThumbprint(pair.gcm) } };
      });
      keys.set(salt, entry);
    }
    return entry;
  };
}

/** Decrypts Auth.js JWT cookies (null for garbage, tampered, wrong key or expired), each distinct value once. */
export function createJwtDecrypter(secret: string | undefined) {
  const deriveKey = keyDeriver(secret ?? "");
  // A signed-in browser sends the same cookie until Auth.js re-issues it: decrypt it once, not per request.
  const decrypted = decryptedCookieMemo<JWT>(DECRYPTED_COOKIE_LIMIT);
  return async (cookie: { name: string; value: string }): Promise<JWT | null> => {
    if (cookie.value.length > 16_384) return null;
    const known = decrypted.get(cookie.name, cookie.value);
    if (known) return isWithinLifetime(known) ? known : null; // the same clock checks as a fresh decryption
    const { keys, thumbprints } = await deriveKey(cookie.name);
    // Same algorithms, key id check and clock tolerance as Auth.js's decode(); see lib/auth/jwe.ts.
    const token = decryptSessionJwt(cookie.value, keys, thumbprints) as JWT | null;
    if (token) decrypted.set(cookie.name, cookie.value, token);
    return token;
  };
}

