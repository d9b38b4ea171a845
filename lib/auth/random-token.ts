import { createHash, randomBytes } from "node:crypto";

// Bearer secrets (database session cookies, emailed links): 32 random bytes (256 bits) from the CSPRNG, base64url.
// Only the SHA-256 hash is stored, so a database dump cannot be replayed as cookies or links.
const TOKEN_BYTES = 32;

export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Cheap shape check before touching the database: garbage is rejected without a query. */
export function looksLikeToken(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}
