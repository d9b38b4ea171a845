import { decode, encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSessionRenewer } from "../../lib/auth/session-renewal";
import { generateSessionToken } from "../../lib/session-token";

const SECRET = "unit-secret-that-is-long-enough-for-auth-js-0123456789";
const NAME = "authjs.session-token";
const env = (strategy: "database" | "jwt") => ({
  AUTH_SECRET: SECRET,
  AUTH_SESSION_STRATEGY: strategy,
  AUTH_SESSION_MAX_AGE: 600,
  AUTH_SESSION_UPDATE_AGE: 60,
  AUTH_SESSION_ABSOLUTE_MAX_AGE: 3600,
});
const now = () => Math.floor(Date.now() / 1000);

afterEach(() => vi.useRealTimers());

async function jwtCookie(ageSeconds: number, authAgeSeconds = ageSeconds) {
  vi.useFakeTimers({ now: Date.now() - ageSeconds * 1000, toFake: ["Date"] });
  const value = await encode({ token: { sub: "u1", sid: "s".repeat(22), role: "user", authTime: now() - (authAgeSeconds - ageSeconds) }, secret: SECRET, salt: NAME, maxAge: 600 });
  vi.useRealTimers();
  return { name: NAME, value };
}

describe("session cookie renewal", () => {
  it("jwt: a token older than the update age is re-issued with a new expiry and the same claims", async () => {
    const renew = createSessionRenewer(env("jwt"));
    const renewed = await renew(await jwtCookie(120));
    expect(renewed).not.toBeNull();
    const token = await decode({ token: renewed!.value, secret: SECRET, salt: NAME });
    expect(token).toMatchObject({ sub: "u1", sid: "s".repeat(22), role: "user" });
    expect(token!.exp! - now()).toBeGreaterThan(590);
    expect(renewed!.maxAge).toBe(600);
  });

  it("jwt: nothing within the update age, past the absolute lifetime, or for a tampered or foreign token", async () => {
    const renew = createSessionRenewer(env("jwt"));
    expect(await renew(await jwtCookie(10))).toBeNull();
    expect(await renew(await jwtCookie(120, 3700))).toBeNull();
    const near = await renew(await jwtCookie(120, 3500));
    expect(near!.maxAge).toBeLessThanOrEqual(100); // never past the absolute lifetime
    const cookie = await jwtCookie(120);
    expect(await renew({ ...cookie, value: cookie.value.slice(0, -3) + "AAA" })).toBeNull();
    expect(await renew({ ...cookie, name: "__Secure-authjs.session-token" })).toBeNull(); // the name is the key's salt
    expect(await renew(await jwtCookie(605))).toBeNull(); // expired, though within decryption's clock tolerance
    expect(await renew(null)).toBeNull();
  });

  it("database: the same token with a new Max-Age, at most once per update age", async () => {
    const renew = createSessionRenewer(env("database"));
    const cookie = { name: NAME, value: generateSessionToken() };
    expect(await renew(cookie)).toEqual({ ...cookie, maxAge: 600 });
    expect(await renew(cookie)).toBeNull();
    expect(await renew({ name: NAME, value: "not-a-token" })).toBeNull();
  });
});
