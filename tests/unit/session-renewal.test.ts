import { decode, encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSessionRenewer, markSessionLive } from "../../lib/auth/strategy/renewal";
import { generateToken } from "../../lib/auth/random-token";
import { PLAIN_SESSION_COOKIE } from "../../lib/auth/session-cookie";

const SECRET = "unit-secret-that-is-long-enough-for-auth-js-0123456789";
const NAME = PLAIN_SESSION_COOKIE;
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
  const value = await encode({
    token: { sub: "u1", sid: "s".repeat(22), role: "user", authTime: now() - (authAgeSeconds - ageSeconds) },
    secret: SECRET,
    salt: NAME,
    maxAge: 600,
  });
  vi.useRealTimers();
  markSessionLive(value);
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

  it("jwt: a validly encrypted token the DAL never accepted is not renewed", async () => {
    const renew = createSessionRenewer(env("jwt"));
    vi.useFakeTimers({ now: Date.now() - 120_000, toFake: ["Date"] });
    const value = await encode({
      token: { sub: "u1", sid: "t".repeat(22), authTime: now() },
      secret: SECRET,
      salt: NAME,
      maxAge: 600,
    });
    vi.useRealTimers();
    expect(await renew({ name: NAME, value })).toBeNull();
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

  it("database: the same token with a new Max-Age once the update age has passed since it was first seen, at most once per update age", async () => {
    const renew = createSessionRenewer(env("database"));
    const cookie = { name: NAME, value: generateToken() };
    expect(await renew(cookie)).toBeNull(); // never accepted by the DAL: not renewed
    markSessionLive(cookie.value);
    expect(await renew(cookie)).toBeNull(); // first sight: as good as just issued
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ["Date"] });
    markSessionLive(cookie.value);
    expect(await renew(cookie)).toEqual({ ...cookie, maxAge: 600 });
    expect(await renew(cookie)).toBeNull();
    expect(await renew({ name: NAME, value: "not-a-token" })).toBeNull();
  });
});
