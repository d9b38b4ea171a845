import { hkdf } from "@panva/hkdf";
import type { JWT } from "next-auth/jwt";
import type { Session } from "next-auth";
import type { Db } from "../db";
import type { SessionClaims } from "./claims";
import { decryptedCookieMemo } from "./decrypted-cookies";
import { decryptSessionJwt, isWithinLifetime, keyThumbprint } from "./jwe";
import { checkJwtSession, findDatabaseSession, touchDatabaseSession, type StrategyEnv } from "./session-strategy";

// The DAL's per-request session check. Auth.js's auth() runs its whole session action on every call: in JWT
// mode an HKDF key derivation, a decryption, the callbacks and a fresh encryption of a cookie that a Server
// Component cannot even set; in database mode the adapter query. This does only what deciding needs:
//   database: one indexed lookup by token hash (findDatabaseSession, shared with the adapter);
//   jwt: one synchronous node:crypto decryption (lib/auth/jwe.ts) per distinct cookie value, with keys derived
//        once per cookie name; the claim times are re-checked on every request; then
//        the same checks as the jwt callback (checkJwtSession, shared), which reach the database at most once
//        per AUTH_JWT_RECHECK_SECONDS.
// Sign-in, sign-out and /api/auth/session stay with Auth.js.

export type VerifiedSession = { session: Session; sessionId: string };

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

function toSession(claims: SessionClaims, expires: Date): Session {
  return {
    expires: expires.toISOString(),
    user: { id: claims.id, email: claims.email, name: claims.name, role: claims.role, permissions: [...claims.permissions] },
  };
}

export function createSessionVerifier(env: StrategyEnv, db: Db) {
  if (env.AUTH_SESSION_STRATEGY === "database") {
    return async (cookie: { name: string; value: string } | null): Promise<VerifiedSession | null> => {
      if (!cookie) return null;
      const found = await findDatabaseSession(db, env, cookie.value);
      if (!found) return null;
      const expires = await touchDatabaseSession(db, env, found);
      return { session: toSession(found.claims, expires), sessionId: found.id };
    };
  }

  const deriveKey = keyDeriver(env.AUTH_SECRET ?? "");
  // A signed-in browser sends the same cookie until Auth.js re-issues it: decrypt it once, not per request.
  const decrypted = decryptedCookieMemo<JWT>(DECRYPTED_COOKIE_LIMIT);
  const decrypt = async (cookie: { name: string; value: string }): Promise<JWT | null> => {
    const known = decrypted.get(cookie.name, cookie.value);
    if (known) return isWithinLifetime(known) ? known : null; // the same clock checks as a fresh decryption
    const { keys, thumbprints } = await deriveKey(cookie.name);
    // Same algorithms, key id check and clock tolerance as Auth.js's decode(); see lib/auth/jwe.ts.
    const token = decryptSessionJwt(cookie.value, keys, thumbprints) as JWT | null;
    if (token) decrypted.set(cookie.name, cookie.value, token);
    return token;
  };
  return async (cookie: { name: string; value: string } | null): Promise<VerifiedSession | null> => {
    if (!cookie || cookie.value.length > 16_384) return null;
    const token = await decrypt(cookie);
    if (!token) return null; // garbage, tampered, wrong key or expired
    const checked = await checkJwtSession(db, env, token);
    if (!checked || typeof token.exp !== "number") return null;
    return { session: toSession(checked.claims, new Date(token.exp * 1000)), sessionId: token.sid! };
  };
}
