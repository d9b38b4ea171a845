import { hkdf } from "@panva/hkdf";
import { jwtDecrypt } from "jose";
import type { JWT } from "next-auth/jwt";
import type { Session } from "next-auth";
import type { Db } from "../db";
import type { SessionClaims } from "./claims";
import { checkJwtSession, findDatabaseSession, touchDatabaseSession, type StrategyEnv } from "./session-strategy";

// The DAL's per-request session check. Auth.js's auth() runs its whole session action for every call: in JWT
// mode an HKDF key derivation, a decryption, the callbacks and a fresh encryption of a cookie that a Server
// Component cannot even set; in database mode the adapter query. This does only what deciding needs:
//   database: one indexed lookup by token hash (findDatabaseSession, shared with the adapter);
//   jwt: one decryption with a key derived once per cookie name, then the same checks as the jwt callback
//        (checkJwtSession, shared), which reach the database at most once per AUTH_JWT_RECHECK_SECONDS.
// Sign-in, sign-out and /api/auth/session stay with Auth.js.

export type VerifiedSession = { session: Session; sessionId: string };

const ENCRYPTION_LENGTHS = { "A256CBC-HS512": 64, A256GCM: 32 } as const;
type Encryption = keyof typeof ENCRYPTION_LENGTHS;

/** Auth.js's key derivation (@auth/core/jwt getDerivedEncryptionKey), memoised per cookie name and algorithm. */
function keyDeriver(secret: string) {
  const keys = new Map<string, Promise<Uint8Array>>();
  return (enc: Encryption, salt: string) => {
    const id = `${enc}:${salt}`;
    let key = keys.get(id);
    if (!key) {
      key = hkdf("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, ENCRYPTION_LENGTHS[enc]);
      keys.set(id, key);
    }
    return key;
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
  return async (cookie: { name: string; value: string } | null): Promise<VerifiedSession | null> => {
    if (!cookie || cookie.value.length > 16_384) return null;
    let token: JWT;
    try {
      // The same algorithms and clock tolerance as Auth.js's decode(); a wrong key fails authentication.
      const { payload } = await jwtDecrypt(
        cookie.value,
        async ({ enc }) => {
          if (!(enc in ENCRYPTION_LENGTHS)) throw new Error("unsupported encryption");
          return deriveKey(enc as Encryption, cookie.name);
        },
        { clockTolerance: 15, keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256CBC-HS512", "A256GCM"] },
      );
      token = payload as JWT;
    } catch {
      return null; // garbage, tampered, wrong key or expired
    }
    const checked = await checkJwtSession(db, env, token);
    if (!checked || typeof token.exp !== "number") return null;
    return { session: toSession(checked.claims, new Date(token.exp * 1000)), sessionId: token.sid! };
  };
}
