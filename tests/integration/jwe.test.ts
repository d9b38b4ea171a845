import { hkdf } from "@panva/hkdf";
import { EncryptJWT, base64url } from "jose";
import { describe, expect, it } from "vitest";
import { decode, encode } from "next-auth/jwt";
import { decryptSessionJwt, keyThumbprint } from "../../lib/auth/jwe";

// lib/auth/jwe.ts must accept exactly the cookies Auth.js's decode() accepts.
const secret = "jwe-test-secret-that-is-long-enough-0123456789";
const salt = "authjs.session-token";
const derive = (length: number) => hkdf("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, length);

async function both(token: string) {
  const cbc = Buffer.from(await derive(64));
  const gcm = Buffer.from(await derive(32));
  const ours = decryptSessionJwt(token, { cbc, gcm }, { cbc: keyThumbprint(cbc), gcm: keyThumbprint(gcm) });
  const theirs = await decode({ token, secret, salt }).catch(() => null);
  return { ours, theirs };
}

async function expectAgreement(token: string, expected: "accepted" | "rejected") {
  const { ours, theirs } = await both(token);
  expect(ours === null ? "rejected" : "accepted").toBe(expected);
  expect(theirs === null ? "rejected" : "accepted").toBe(expected);
  if (ours && theirs) expect(ours).toEqual(theirs);
}

const now = () => Math.floor(Date.now() / 1000);

async function craft(options: { enc?: "A256CBC-HS512" | "A256GCM"; kid?: string | null; header?: Record<string, unknown>; claims?: Record<string, unknown> }) {
  const enc = options.enc ?? "A256CBC-HS512";
  const key = await derive(enc === "A256GCM" ? 32 : 64);
  const kid = options.kid === undefined ? keyThumbprint(Buffer.from(key)) : options.kid;
  return new EncryptJWT({ sub: "u1", ...options.claims })
    .setProtectedHeader({ alg: "dir", enc, ...(kid === null ? {} : { kid }), ...options.header })
    .setIssuedAt()
    .setExpirationTime(now() + 60)
    .encrypt(key);
}

describe("JWE decryption agrees with Auth.js's decode()", () => {
  it("accepts what Auth.js issues, and A256GCM / kid-less tokens it also accepts", async () => {
    await expectAgreement(await encode({ token: { sub: "u1", role: "admin", permissions: ["a", "b"] }, secret, salt }), "accepted");
    await expectAgreement(await craft({ enc: "A256GCM" }), "accepted");
    await expectAgreement(await craft({ kid: null }), "accepted");
    await expectAgreement(await craft({ header: { zip: "DEF" } }), "accepted"); // compressed plaintext (jose inflates it)
    await expectAgreement(await encode({ token: { sub: "u1" }, maxAge: -10, secret, salt }), "accepted"); // within 15 s tolerance
  });

  it("rejects expired, not-yet-valid, wrong key id, wrong key and non-numeric times", async () => {
    await expectAgreement(await encode({ token: { sub: "u1" }, maxAge: -20, secret, salt }), "rejected");
    await expectAgreement(await craft({ claims: { nbf: now() + 60 } }), "rejected");
    await expectAgreement(await craft({ kid: "not-the-thumbprint" }), "rejected");
    await expectAgreement(await encode({ token: { sub: "u1" }, secret: "another-secret-that-is-long-enough-0123456789", salt }), "rejected");
    await expectAgreement(await encode({ token: { sub: "u1" }, secret, salt: "__Secure-authjs.session-token" }), "rejected");
    await expectAgreement(await craft({ claims: { nbf: "0" } }), "rejected");
  });

  it("rejects every single-character change to any part of a valid token", async () => {
    const token = await encode({ token: { sub: "u1", email: "a@b.co" }, secret, salt });
    const positions = new Set<number>();
    for (let i = 0; i < token.length; i += Math.max(1, Math.floor(token.length / 150))) positions.add(i);
    for (const i of positions) {
      if (token[i] === ".") continue;
      const swapped = token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
      const { ours, theirs } = await both(swapped);
      // A change in the last base64url character can hit unused padding bits and decode to the same bytes.
      expect(ours === null).toBe(theirs === null);
    }
  });

  it("rejects structural garbage", async () => {
    const b64 = (v: unknown) => base64url.encode(JSON.stringify(v));
    for (const bad of ["", ".", "a.b.c.d.e", "....", `${b64({ alg: "none" })}.${b64({ sub: "u1" })}.`, `${b64({ alg: "dir", enc: "A256CBC-HS512" })}....`, "x".repeat(5000)]) {
      await expectAgreement(bad, "rejected");
    }
  });
});
