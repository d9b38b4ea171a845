import { encode } from "next-auth/jwt";
import { jwtDecrypterFor } from "../lib/auth/strategy/jwt-decrypter";
import { E2E_SECRET } from "../harness/server";
import { summarize, type LatencySummary } from "./stats";
import { PLAIN_SESSION_COOKIE } from "../lib/auth/session-cookie";

// What the JWT session check pays to decrypt a cookie, in-process. "steady": every request carries the cookie
// the instance has already seen (a signed-in browser between re-issues), so the memo answers. "distinct": every
// request carries a valid cookie the instance has not seen yet (each browser's first request after a re-issue or
// a restart), so Auth.js's decode() runs in full. "tampered": a valid cookie with one ciphertext character
// changed, which is never remembered, so every such request pays the full decode() before it is refused.

export type CookieDecryptionResult = {
  cookies: number;
  steady: LatencySummary;
  distinct: LatencySummary;
  tampered?: LatencySummary;
};

const COOKIE_NAME = PLAIN_SESSION_COOKIE;
const WARMUP_COOKIES = 200;

async function validCookies(count: number, offset: number): Promise<string[]> {
  const claims = {
    sub: "bench-user",
    email: "bench@example.com",
    name: "Bench User",
    role: "admin",
    permissions: ["users:read", "users:write"],
  };
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      encode({ token: { ...claims, sid: `bench-sid-${offset + i}` }, secret: E2E_SECRET, salt: COOKIE_NAME }),
    ),
  );
}

function withChangedCiphertext(jwe: string): string {
  const parts = jwe.split(".");
  const ciphertext = parts[3];
  parts[3] = (ciphertext[0] === "A" ? "B" : "A") + ciphertext.slice(1);
  return parts.join(".");
}

export async function benchCookieDecryption(count: number): Promise<CookieDecryptionResult> {
  const decrypt = jwtDecrypterFor(E2E_SECRET);
  const timed = async (value: string, valid = true) => {
    const started = performance.now();
    const token = await decrypt({ name: COOKIE_NAME, value });
    const elapsed = performance.now() - started;
    if (!token !== !valid) throw new Error(valid ? "A valid cookie did not decrypt" : "A tampered cookie decrypted");
    return elapsed;
  };
  for (const value of await validCookies(WARMUP_COOKIES, count)) await timed(value);
  const cookies = await validCookies(count, 0);
  const distinct: number[] = [];
  for (const value of cookies) distinct.push(await timed(value));
  const steady: number[] = [];
  for (let i = 0; i < count; i++) steady.push(await timed(cookies[i % 10]));
  const tampered: number[] = [];
  for (const value of cookies) tampered.push(await timed(withChangedCiphertext(value), false));
  return { cookies: count, steady: summarize(steady), distinct: summarize(distinct), tampered: summarize(tampered) };
}
