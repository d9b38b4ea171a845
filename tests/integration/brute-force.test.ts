import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthClient } from "../support/auth-client";
import { createTestContext, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// ASVS 6.3.1: failed sign-ins are limited per account and per client IP, counted in the database.
describe("ASVS 6.3.1 brute-force lockout", () => {
  let ctx: TestContext;
  const password = "correct-horse-battery";
  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_SESSION_STRATEGY: "database", AUTH_SIGNIN_MAX_FAILURES: "3", AUTH_SIGNIN_LOCKOUT_SECONDS: "900" });
    await createUser(ctx.db, { email: "victim@example.com", password });
    await createUser(ctx.db, { email: "reset@example.com", password });
  });
  afterAll(() => ctx.cleanup());

  function from(ip: string) {
    const client = new AuthClient(ctx.env, ctx.db);
    return {
      client,
      signIn: async (email: string, pw: string) => {
        const csrfToken = await client.csrfToken();
        const response = await client.request("/api/auth/callback/credentials", {
          form: { csrfToken, email, password: pw, callbackUrl: "/dashboard" },
          headers: { "x-forwarded-for": ip },
        });
        return response.headers.get("location") ?? "";
      },
    };
  }

  it("locks an account after the limit, even for the right password, with a non-enumerating code", async () => {
    for (let i = 0; i < 3; i++) {
      expect(await from(`10.0.0.${i}`).signIn("victim@example.com", "wrong")).toContain("code=credentials");
    }
    const attempt = from("10.0.1.1");
    expect(await attempt.signIn("victim@example.com", password)).toContain("code=rate_limited");
    expect(attempt.client.sessionCookie()).toBeUndefined();
    expect(await ctx.db.session.count()).toBe(0);
  });

  it("locks unknown emails the same way (the response does not reveal whether an account exists)", async () => {
    for (let i = 0; i < 3; i++) await from(`10.0.2.${i}`).signIn("ghost@example.com", "wrong");
    expect(await from("10.0.2.9").signIn("ghost@example.com", "wrong")).toContain("code=rate_limited");
  });

  it("locks a client IP that tries many accounts", async () => {
    const ip = "10.9.9.9";
    for (let i = 0; i < 3; i++) await from(ip).signIn(`spray${i}@example.com`, "wrong");
    expect(await from(ip).signIn("reset@example.com", password)).toContain("code=rate_limited");
    // the account itself is not locked: another IP signs in fine
    expect(await from("10.9.9.10").signIn("reset@example.com", password)).toBe("http://localhost:3000/dashboard");
  });

  it("a successful sign-in resets the account counter", async () => {
    await from("10.3.0.1").signIn("reset@example.com", "wrong");
    await from("10.3.0.2").signIn("reset@example.com", "wrong");
    expect(await from("10.3.0.3").signIn("reset@example.com", password)).toBe("http://localhost:3000/dashboard");
    await from("10.3.0.4").signIn("reset@example.com", "wrong");
    await from("10.3.0.5").signIn("reset@example.com", "wrong");
    expect(await from("10.3.0.6").signIn("reset@example.com", password)).toBe("http://localhost:3000/dashboard");
  });

  it("counts concurrent failures without losing any", async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => from(`10.4.0.${i}`).signIn("burst@example.com", "wrong")));
    const row = await ctx.db.signInThrottle.findUniqueOrThrow({ where: { key: "account:burst@example.com" } });
    expect(row.failures).toBeGreaterThanOrEqual(3);
    expect(row.lockedUntil).not.toBeNull();
  });
});

// ASVS 6.3.x / no user enumeration: an unknown email costs the same bcrypt work as a wrong password.
describe("no user enumeration by timing", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_BCRYPT_COST: "8", AUTH_SIGNIN_MAX_FAILURES: "100000" });
    await createUser(ctx.db, { email: "known@example.com", cost: 8 });
  });
  afterAll(() => ctx.cleanup());

  it("unknown emails and wrong passwords take about the same time (median over 30 tries each)", async () => {
    const client = new AuthClient(ctx.env, ctx.db);
    const csrfToken = await client.csrfToken();
    const time = async (email: string) => {
      const started = performance.now();
      await client.request("/api/auth/callback/credentials", { form: { csrfToken, email, password: "wrong-password", callbackUrl: "/" } });
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    await time("warm-up@example.com");
    for (let i = 0; i < 30; i++) {
      known.push(await time("known@example.com"));
      unknown.push(await time(`unknown${i}@example.com`));
    }
    const [k, u] = [median(known), median(unknown)];
    console.log(`sign-in failure median: known email ${k.toFixed(1)} ms, unknown email ${u.toFixed(1)} ms`);
    // Without the dummy hash an unknown email would skip bcrypt (~15 ms at cost 8) entirely.
    expect(Math.abs(k - u)).toBeLessThan(Math.max(5, 0.35 * k));
    expect(u).toBeGreaterThan(0.6 * k);
  });
});
