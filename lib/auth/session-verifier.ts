import type { Session } from "next-auth";
import type { Db } from "../db";
import type { SessionClaims } from "./claims";
import { createJwtDecrypter } from "./jwt-decrypter";
import { checkJwtSession, findDatabaseSession, touchDatabaseSession, type StrategyEnv } from "./session-strategy";

// The DAL's per-request session check. Auth.js's auth() runs its whole session action on every call: in JWT
// mode an HKDF key derivation, a decryption, the callbacks and a fresh encryption of a cookie that a Server
// Component cannot even set; in database mode the adapter query. This does only what deciding needs:
//   database: one indexed lookup by token hash (findDatabaseSession, shared with the adapter);
//   jwt: one decryption by Auth.js's decode() per distinct cookie value per instance (the claim times are
//        re-checked on every request), then the same checks as the jwt callback (checkJwtSession, shared),
//        which reach the database at most once per AUTH_JWT_RECHECK_SECONDS.
// Sign-in, sign-out and /api/auth/session stay with Auth.js.

export type VerifiedSession = { session: Session; sessionId: string };

function toSession(claims: SessionClaims, expires: Date): Session {
  return {
    expires: expires.toISOString(),
    user: {
      id: claims.id,
      email: claims.email,
      name: claims.name,
      role: claims.role,
      permissions: [...claims.permissions],
    },
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

  const decrypt = createJwtDecrypter(env.AUTH_SECRET);
  return async (cookie: { name: string; value: string } | null): Promise<VerifiedSession | null> => {
    if (!cookie) return null;
    const token = await decrypt(cookie);
    if (!token) return null; // garbage, tampered, wrong key or expired
    const checked = await checkJwtSession(db, env, token);
    if (!checked || typeof token.exp !== "number") return null;
    return { session: toSession(checked.claims, new Date(token.exp * 1000)), sessionId: token.sid! };
  };
}
