import { createHash, randomBytes } from "node:crypto";

// Database session tokens: 32 random bytes (256 bits) from the CSPRNG, base64url in the cookie.
// Only the SHA-256 hash is stored, so the Session table cannot be replayed as cookies.
const SESSION_TOKEN_BYTES = 32;

export function generateSessionToken(): string {
  return randomBytes(SESSION_TOKEN_BYTES).toString("base64url");
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Cheap shape check before touching the database: garbage cookies are rejected without a query. */
export function looksLikeSessionToken(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}
