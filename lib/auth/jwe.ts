import { createDecipheriv, createHash, createHmac, timingSafeEqual } from "node:crypto";
import { inflateRawSync } from "node:zlib";

// Decryption of Auth.js session cookies (compact JWE, alg "dir", enc A256CBC-HS512 — what Auth.js issues — or
// A256GCM, which it also accepts) with node:crypto, synchronously. jose's WebCrypto path costs ~0.3–0.8 ms per
// cookie; this costs tens of microseconds. It accepts exactly what Auth.js's decode() accepts (same header
// checks, key id, integrity check and claim times) — tests/integration/session-verifier.test.ts compares them.

export type DecryptionKeys = { cbc: Buffer; gcm: Buffer };

const B64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder("utf-8", { fatal: true }); // jose rejects invalid UTF-8 too
const CLOCK_TOLERANCE_SECONDS = 15; // Auth.js's decode() uses 15 s
const MAX_DECOMPRESSED_BYTES = 250_000; // jose's default limit for "zip": "DEF"

function part(value: string): Buffer | null {
  return B64URL.test(value) ? Buffer.from(value, "base64url") : null;
}

/** RFC 7638 thumbprint of a symmetric key, as Auth.js puts it in the `kid` header. */
export function keyThumbprint(key: Buffer): string {
  const jwk = JSON.stringify({ k: key.toString("base64url"), kty: "oct" });
  return createHash(key.length === 64 ? "sha512" : "sha256").update(jwk).digest("base64url");
}

function decryptCbcHs512(key: Buffer, aad: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer | null {
  if (iv.length !== 16 || tag.length !== 32) return null;
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length * 8));
  const mac = createHmac("sha512", key.subarray(0, 32)).update(aad).update(iv).update(ciphertext).update(al).digest().subarray(0, 32);
  if (!timingSafeEqual(mac, tag)) return null;
  const decipher = createDecipheriv("aes-256-cbc", key.subarray(32), iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

function decryptGcm(key: Buffer, aad: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer | null {
  if (iv.length !== 12 || tag.length !== 16) return null;
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** The claim-time checks of Auth.js's decode(): not expired and not before `nbf`, with its 15 s clock tolerance. */
export function isWithinLifetime(claims: { exp?: unknown; nbf?: unknown }, nowMs = Date.now()): boolean {
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.exp === "number" && claims.exp <= now - CLOCK_TOLERANCE_SECONDS) return false;
  if (typeof claims.nbf === "number" && claims.nbf > now + CLOCK_TOLERANCE_SECONDS) return false;
  return true;
}

/** The JWT payload of a valid, unexpired Auth.js cookie, or null for anything else. Never throws. */
export function decryptSessionJwt(token: string, keys: DecryptionKeys, thumbprints: { cbc: string; gcm: string }): Record<string, unknown> | null {
  try {
    const parts = token.split(".");
    if (parts.length !== 5 || parts[1] !== "") return null; // "dir": no encrypted key
    const [headerB64, , ivB64, ciphertextB64, tagB64] = parts;
    const headerBytes = part(headerB64);
    const header = JSON.parse(headerBytes ? utf8.decode(headerBytes) : "null") as Record<string, unknown> | null;
    if (!header || typeof header !== "object" || Array.isArray(header) || header.alg !== "dir") return null;
    if (header.zip !== undefined && header.zip !== "DEF") return null;
    if ("crit" in header || "iss" in header || "sub" in header || "aud" in header) return null;
    const enc = header.enc;
    if (enc !== "A256CBC-HS512" && enc !== "A256GCM") return null;
    const kind = enc === "A256GCM" ? "gcm" : "cbc";
    if (header.kid !== undefined && header.kid !== thumbprints[kind]) return null; // Auth.js: "no matching decryption secret"
    const [iv, ciphertext, tag] = [part(ivB64), part(ciphertextB64), part(tagB64)];
    if (!iv || !ciphertext || !tag) return null;
    const aad = Buffer.from(headerB64, "ascii");
    const plaintext = kind === "cbc" ? decryptCbcHs512(keys.cbc, aad, iv, ciphertext, tag) : decryptGcm(keys.gcm, aad, iv, ciphertext, tag);
    if (!plaintext) return null;
    // jose (and so Auth.js) accepts compressed plaintext; Auth.js never issues it, but must not differ here.
    const json = header.zip === "DEF" ? inflateRawSync(plaintext, { maxOutputLength: MAX_DECOMPRESSED_BYTES }) : plaintext;
    const payload = JSON.parse(utf8.decode(json)) as unknown;
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) return null;
    const claims = payload as Record<string, unknown>;
    for (const name of ["exp", "nbf", "iat"] as const) {
      if (claims[name] !== undefined && typeof claims[name] !== "number") return null;
    }
    return isWithinLifetime(claims) ? claims : null;
  } catch {
    return null; // malformed JSON, bad padding, wrong GCM tag
  }
}
