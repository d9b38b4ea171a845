import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE_COOKIE_MAX_AGE_SECONDS, issueDeviceToken } from "../../lib/auth/device-cookie";
import { unlockAccount } from "../../lib/auth/throttle";
import { AuthClient } from "../support/auth-client";
import { createTestContext, TEST_SECRET, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// These tests send up to 40 guesses at once to see the throttle count them all. The hashing queue's own bounds
// per client and per account (tests/integration/hashing-flood.test.ts) would answer most of them "busy" first,
// so they are set out of the way; read when the process's pool is created, after these lines.
process.env.AUTH_HASH_QUEUE_MAX = "1000";
process.env.AUTH_HASH_CLIENT_MAX = "1000";
process.env.AUTH_HASH_ACCOUNT_MAX = "1000";

const MAX = 3;
const password = "correct-horse-battery";

// OWASP device cookies: a stranger guessing without the owner's device cookie locks only the account's shared
// "untrusted" bucket; the owner's browser, holding a device cookie from an earlier sign-in, has its own bucket.
describe("device cookies (ASVS 6.3.1 without a lockout a stranger can turn against the owner)", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_SESSION_STRATEGY: "database",
      AUTH_SIGNIN_MAX_FAILURES: String(MAX),
      AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS: "1000",
      AUTH_TRUSTED_PROXY_HOPS: "1",
    });
  });
  afterAll(() => ctx.cleanup());

  async function account(label: string) {
    const email = `${label}@example.com`;
    const { id } = await createUser(ctx.db, { email, password });
    return { id, email };
  }

  /** A browser; with `device`, holding that device cookie value. */
  function browser(device?: string | null) {
    const client = new AuthClient(ctx.env, ctx.db);
    if (device) client.cookies.set("authjs.device", device);
    return {
      client,
      signIn: async (email: string, pw: string, ip = "203.0.113.7") => {
        const csrfToken = await client.csrfToken();
        const response = await client.request("/api/auth/callback/credentials", {
          form: { csrfToken, email, password: pw, callbackUrl: "/dashboard" },
          headers: { "x-forwarded-for": ip },
        });
        const location = response.headers.get("location") ?? "";
        return location === "http://localhost:3000/dashboard"
          ? "signed-in"
          : location.includes("code=rate_limited")
            ? "refused"
            : "wrong";
      },
    };
  }

  async function lockUntrusted(email: string) {
    for (let i = 0; i <= MAX; i++) await browser().signIn(email, `wrong-${i}`, `198.51.100.${i}`);
    expect(await browser().signIn(email, password)).toBe("refused");
  }

  it("the owner signs in on their device while a stranger holds the account's untrusted bucket locked", async () => {
    const owner = await account("owner");
    const device = issueDeviceToken(TEST_SECRET, { email: owner.email, credentialEpoch: 0 });
    await lockUntrusted(owner.email);
    expect(await browser(device).signIn(owner.email, password)).toBe("signed-in");
    // The stranger is still locked out, even with the right password.
    expect(await browser().signIn(owner.email, password)).toBe("refused");
  });

  it("failures from a device count against that device only", async () => {
    const owner = await account("typo");
    const laptop = issueDeviceToken(TEST_SECRET, { email: owner.email, credentialEpoch: 0 });
    const phone = issueDeviceToken(TEST_SECRET, { email: owner.email, credentialEpoch: 0 });
    for (let i = 0; i < MAX; i++) expect(await browser(laptop).signIn(owner.email, `typo-${i}`)).toBe("wrong");
    expect(await browser(laptop).signIn(owner.email, password)).toBe("refused");
    expect(await browser(phone).signIn(owner.email, password)).toBe("signed-in");
    expect(await browser().signIn(owner.email, password)).toBe("signed-in");
    expect(await ctx.db.signInThrottle.count({ where: { key: `account:${owner.email}` } })).toBe(0);
  });

  it("a cookie that is forged, tampered, for another account, expired or sent twice counts as no cookie", async () => {
    const owner = await account("forged");
    const other = await account("other");
    await lockUntrusted(owner.email);
    const valid = issueDeviceToken(TEST_SECRET, { email: owner.email, credentialEpoch: 0 })!;
    const [nonce, issuedAt, signature] = valid.split(".");
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);
    const longAgo = Date.now() - (DEVICE_COOKIE_MAX_AGE_SECONDS + 60) * 1000;
    const bad = [
      issueDeviceToken("another-secret-that-is-long-enough-0123456789", { email: owner.email, credentialEpoch: 0 }),
      `${nonce}.${issuedAt}.${flipped}`,
      `${nonce}.${Number(issuedAt) + 1}.${signature}`,
      issueDeviceToken(TEST_SECRET, { email: other.email, credentialEpoch: 0 }),
      issueDeviceToken(TEST_SECRET, { email: owner.email, credentialEpoch: 0 }, longAgo),
      `${valid}.x`,
      "garbage",
    ];
    for (const value of bad) expect(await browser(value).signIn(owner.email, password)).toBe("refused");
    // The same valid cookie twice in one header (one of them could be planted): ignored too.
    const twice = browser();
    const csrfToken = await twice.client.csrfToken();
    const response = await twice.client.request("/api/auth/callback/credentials", {
      form: { csrfToken, email: owner.email, password, callbackUrl: "/dashboard" },
      headers: { cookie: `${twice.client.cookieHeader()}; authjs.device=${valid}; authjs.device=${valid}` },
    });
    expect(response.headers.get("location")).toContain("code=rate_limited");
    expect(await browser(valid).signIn(owner.email, password)).toBe("signed-in");
  });

  it("40 simultaneous guesses from one device: at most the limit is evaluated", async () => {
    const owner = await account("burst");
    const device = issueDeviceToken(TEST_SECRET, { email: owner.email, credentialEpoch: 0 });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => browser(device).signIn(owner.email, `wrong-${i}`)),
    );
    console.log(`40 concurrent guesses on one device cookie: ${answers.filter((a) => a === "wrong").length} evaluated`);
    expect(answers.filter((a) => a === "wrong").length).toBeLessThanOrEqual(MAX);
    expect(answers.filter((a) => a === "refused").length).toBeGreaterThanOrEqual(40 - MAX);
  });

  it("an operator's unlock clears the untrusted bucket and every device's", async () => {
    const owner = await account("unlock");
    const device = issueDeviceToken(TEST_SECRET, { email: owner.email, credentialEpoch: 0 });
    await lockUntrusted(owner.email);
    for (let i = 0; i <= MAX; i++) await browser(device).signIn(owner.email, `wrong-${i}`);
    expect(await browser(device).signIn(owner.email, password)).toBe("refused");
    expect(await unlockAccount(ctx.db, owner)).toBe(2);
    expect(await browser(device).signIn(owner.email, password)).toBe("signed-in");
    expect(await browser().signIn(owner.email, password)).toBe("signed-in");
  });
});
