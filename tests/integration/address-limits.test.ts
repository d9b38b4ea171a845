import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADDRESS_LIMIT_WINDOW_SECONDS,
  anonymousDataLimit,
  registrationLimit,
  reserveCreation,
} from "../../lib/address-limits";
import { DEFAULT_IPV6_PREFIX_BITS as PREFIX_BITS } from "../../lib/client-ip";
import { reserveEmailSend } from "../../lib/email-send-limits";
import { registerUser } from "../../lib/registration";
import { AuthClient } from "../support/auth-client";
import { createTestContext, type TestContext } from "../support/test-env";

// Per-address limits on sign-ups and on new anonymous session-data ids, on a real database (SQLite or
// PostgreSQL): reserved atomically before the work, so concurrent requests cannot get past them.

const account = (label: string) => ({
  name: `Limit ${label}`,
  email: `limit-${label}-${randomBytes(4).toString("hex")}@example.com`,
  password: `pw-${randomBytes(8).toString("hex")}`,
});

describe("per-address sign-up limit (AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS)", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx?.cleanup());

  const register = (input: unknown, ip: string | null, max: number) =>
    registerUser(ctx.db, input, 4, registrationLimit(ip, max, PREFIX_BITS));

  it("40 concurrent sign-ups from one address with a limit of 5 create exactly 5 accounts; the rest are told when to retry", async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => account(`race-${i}`));
    const results = await Promise.all(inputs.map((input) => register(input, "203.0.113.10", 5)));

    const created = results.filter((r) => r.status === "created");
    expect(created).toHaveLength(5);
    expect(await ctx.db.user.count({ where: { email: { in: inputs.map((i) => i.email) } } })).toBe(5);
    // The password-strength check runs before the limit and may answer "busy" (its queue is bounded); those were
    // never counted. Every other attempt was refused by the limit, with the time that is left.
    const refused = results.filter((r) => r.status === "error" && r.reason !== "busy");
    expect(refused.length).toBeGreaterThanOrEqual(20);
    for (const result of refused) {
      expect(result).toMatchObject({
        reason: "rate_limited",
        message: expect.stringMatching(/^Too many sign-ups from your network; try again in (1 hour|60 minutes)\.$/),
      });
      if (result.status === "error" && result.reason === "rate_limited") {
        expect(result.retryAfterSeconds).toBeGreaterThan(0);
        expect(result.retryAfterSeconds).toBeLessThanOrEqual(ADDRESS_LIMIT_WINDOW_SECONDS);
      }
    }
    // Later attempts are refused too, with the time that is left.
    const later = await register(account("later"), "203.0.113.10", 5);
    expect(later).toMatchObject({ status: "error", reason: "rate_limited" });

    // Another address is not affected.
    expect((await register(account("other-address"), "203.0.113.11", 5)).status).toBe("created");
  });

  it("counts duplicates (probing which emails exist) but not invalid input, which does no work", async () => {
    const ip = "203.0.113.20";
    for (let i = 0; i < 5; i++) {
      expect(await register({ name: "x", email: "not-an-email", password: "short" }, ip, 2)).toMatchObject({
        reason: "invalid",
      });
    }
    const first = account("dup");
    expect((await register(first, ip, 2)).status).toBe("created");
    expect(await register({ ...first, name: "Again" }, ip, 2)).toMatchObject({ status: "exists" });
    expect(await register(account("third"), ip, 2)).toMatchObject({ reason: "rate_limited" });
  });

  it("has no per-address limit when the address is unknown (AUTH_TRUSTED_PROXY_HOPS=0)", async () => {
    expect(registrationLimit(null, 1, PREFIX_BITS)).toBeNull();
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => register(account(`unknown-${i}`), null, 1)));
    expect(results.every((r) => r.status === "created")).toBe(true);
  });

  it("opens again once the hour is over", async () => {
    const ip = "203.0.113.30";
    expect((await register(account("a"), ip, 1)).status).toBe("created");
    expect(await register(account("b"), ip, 1)).toMatchObject({ reason: "rate_limited" });
    // Move the counter's window and lockout into the past, as an hour would.
    const past = new Date(Date.now() - (ADDRESS_LIMIT_WINDOW_SECONDS + 1) * 1000);
    await ctx.db.signInThrottle.updateMany({
      where: { key: { contains: ip } },
      data: { windowStart: past, lockedUntil: past },
    });
    expect((await register(account("c"), ip, 1)).status).toBe("created");
  });
});

describe("per-address limit on new anonymous session-data ids (SESSION_DATA_ADDRESS_MAX_NEW)", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx?.cleanup());

  it("40 concurrent new ids from one address with a limit of 5: exactly 5 are allowed, with a separate count per address", async () => {
    const limit = anonymousDataLimit("198.51.100.7", 5, PREFIX_BITS);
    const results = await Promise.all(Array.from({ length: 40 }, () => reserveCreation(ctx.db, limit)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    for (const refused of results.filter((r) => !r.ok))
      expect(refused).toEqual({ ok: false, retryAfterSeconds: expect.any(Number) });

    expect((await reserveCreation(ctx.db, anonymousDataLimit("198.51.100.8", 5, PREFIX_BITS))).ok).toBe(true);
    // Sign-ups from the same address have a counter of their own.
    expect((await reserveCreation(ctx.db, registrationLimit("198.51.100.7", 5, PREFIX_BITS))).ok).toBe(true);
    expect(anonymousDataLimit(null, 5, PREFIX_BITS)).toBeNull();
  });
});

// Every per-address limit counts addressBucket(): the addresses of one IPv6 /64 (AUTH_IPV6_PREFIX_BITS) and every
// spelling of one IPv4 address are one client; and the per-recipient send limit counts a mailbox without its +tag.
describe("per-address limits count one client however it is addressed", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_TRUSTED_PROXY_HOPS: "1",
      AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS: "3",
      AUTH_SIGNIN_MAX_FAILURES: "100",
      AUTH_EMAIL_SEND_MAX: "2",
      AUTH_EMAIL_ADDRESS_SEND_MAX: "2",
    });
  });
  afterAll(() => ctx?.cleanup());

  async function wrongPasswordFrom(ip: string): Promise<string> {
    const client = new AuthClient(ctx.env, ctx.db);
    const csrfToken = await client.csrfToken();
    const response = await client.request("/api/auth/callback/credentials", {
      form: { csrfToken, email: `nobody-${randomBytes(4).toString("hex")}@example.com`, password: "wrong" },
      headers: { "x-forwarded-for": ip },
    });
    return response.headers.get("location") ?? "";
  }

  it("sign-in: three guesses from one /64 use up its limit; the next /64 is another client", async () => {
    for (const ip of ["2001:db8:9:9::1", "2001:db8:9:9::2", "2001:0db8:0009:0009:ffff::3"])
      expect(await wrongPasswordFrom(ip)).toContain("code=credentials");
    expect(await wrongPasswordFrom("2001:db8:9:9:abcd::4")).toContain("code=rate_limited");
    expect(await wrongPasswordFrom("2001:db8:9:a::1")).toContain("code=credentials");
  });

  it("sign-in: an IPv4 address written as IPv4-mapped IPv6 is the same client", async () => {
    for (let i = 0; i < 3; i++) expect(await wrongPasswordFrom("::ffff:198.51.100.20")).toContain("code=credentials");
    expect(await wrongPasswordFrom("198.51.100.20")).toContain("code=rate_limited");
  });

  it("emailed links: one /64 is one client, and alice+1@ and alice+2@ are one mailbox", async () => {
    const ask = (email: string, ip: string | null) => reserveEmailSend(ctx.db, ctx.env, { email, ip });
    expect((await ask("one@example.com", "2001:db8:7:7::1")).ok).toBe(true);
    expect((await ask("two@example.com", "2001:db8:7:7::2")).ok).toBe(true);
    expect((await ask("three@example.com", "2001:db8:7:7::3")).ok).toBe(false);
    expect((await ask("three@example.com", "2001:db8:7:8::1")).ok).toBe(true);

    expect((await ask("alice+1@example.com", null)).ok).toBe(true);
    expect((await ask("alice+2@example.com", null)).ok).toBe(true);
    expect((await ask("Alice@example.com", null)).ok).toBe(false);
    expect((await ask("bob+1@example.com", null)).ok).toBe(true);
  });
});
