import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registrationLimit } from "../../lib/address-limits";
import { issueDeviceToken } from "../../lib/auth/device-cookie";
import { issueEmailToken } from "../../lib/auth/email-tokens";
import { throttleKeys } from "../../lib/auth/throttle";
import { checkCurrentPassword } from "../../lib/current-password";
import { admitPasswordWork, type PasswordTicket } from "../../lib/password";
import { checkResetLink } from "../../lib/password-reset";
import { registerUser } from "../../lib/registration";
import { signInErrorMessage } from "../../lib/sign-in-messages";
import { AuthClient } from "../support/auth-client";
import { createTestContext, TEST_SECRET, type TestContext } from "../support/test-env";
import { createUser } from "../support/users";

// Read when the process's one hashing pool is created (lazily, after these lines): a queue of 8 (6 for ordinary
// requests, 7 for an account's first attempt from a new client, all 8 for a device cookie) fills with 40 clients.
process.env.AUTH_HASH_QUEUE_MAX = "8";
process.env.AUTH_HASH_WORKERS = "2";

const COST = 9; // slow enough that 40 clients keep the queue full
const password = "correct-horse-battery";
const FLOOD = 40;
const OWNER_SIGN_INS = 4;
const BUSY_MESSAGE = /^The server is busy right now\. Please try again in \d+ seconds?\.$/;

type Answer = "signed-in" | "wrong" | "busy" | "rate_limited" | `unexpected: ${string}`;

function answerOf(response: Response): Answer {
  const location = response.headers.get("location") ?? "";
  if (location === "http://localhost:3000/dashboard") return "signed-in";
  if (location.includes("code=credentials")) return "wrong";
  if (location.includes("code=busy")) return "busy";
  if (location.includes("code=rate_limited")) return "rate_limited";
  return `unexpected: ${response.status} ${location}`; // e.g. error=Configuration: something threw
}

async function signIn(ctx: TestContext, email: string, pw: string, { ip, device }: { ip?: string; device?: string }) {
  const client = new AuthClient(ctx.env, ctx.db);
  if (device) client.cookies.set("authjs.device", device);
  const csrfToken = await client.csrfToken();
  const response = await client.request("/api/auth/callback/credentials", {
    form: { csrfToken, email, password: pw, callbackUrl: "/dashboard" },
    headers: ip ? { "x-forwarded-for": ip } : {},
  });
  return answerOf(response);
}

/** FLOOD clients signing in with a new unknown email each time, back to back, until stopped. */
function startFlood(ctx: TestContext, ipOf: (client: number) => string | undefined) {
  const answers: Answer[] = [];
  let stopped = false;
  const loop = async (i: number) => {
    const client = new AuthClient(ctx.env, ctx.db);
    const csrfToken = await client.csrfToken();
    while (!stopped) {
      const email = `junk-${randomBytes(6).toString("hex")}@example.com`;
      const ip = ipOf(i);
      const response = await client.request("/api/auth/callback/credentials", {
        form: { csrfToken, email, password: "not-the-password", callbackUrl: "/dashboard" },
        headers: ip ? { "x-forwarded-for": ip } : {},
      });
      answers.push(answerOf(response));
    }
  };
  const loops = Array.from({ length: FLOOD }, (_, i) => loop(i));
  return {
    answers,
    /** Resolves once the flood has been answered "busy": the queue (or the flood's share of it) is full. */
    saturated: () => vi.waitFor(() => expect(answers).toContain("busy"), { timeout: 20_000, interval: 10 }),
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return answers;
    },
  };
}

/** The owner signs in OWNER_SIGN_INS times in a row while the flood runs; every answer is returned. */
async function ownerDuringFlood(
  ctx: TestContext,
  flood: ReturnType<typeof startFlood>,
  owner: { email: string; ip?: string; device?: string },
) {
  try {
    await flood.saturated();
    const answers: Answer[] = [];
    for (let i = 0; i < OWNER_SIGN_INS; i++) answers.push(await signIn(ctx, owner.email, password, owner));
    return answers;
  } finally {
    await flood.stop();
  }
}

function expectNoErrors(answers: Answer[]) {
  const unexpected = answers.filter((a) => a.startsWith("unexpected"));
  expect(unexpected, "no sign-in under the flood threw (error=Configuration, a 500 in the app)").toEqual([]);
}

describe("a flood of unknown emails cannot keep the owner out (no trusted proxy: client addresses unknown)", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_BCRYPT_COST: String(COST), AUTH_TRUSTED_PROXY_HOPS: "0" });
  });
  afterAll(() => ctx.cleanup());

  it("40 concurrent junk sign-ins: the owner's browser with its device cookie gets in every time", async () => {
    const owner = await createUser(ctx.db, { email: "owner0@example.com", password, cost: COST });
    const device = issueDeviceToken(TEST_SECRET, { email: owner.email, credentialEpoch: 0 })!;
    const flood = startFlood(ctx, () => undefined);
    const answers = await ownerDuringFlood(ctx, flood, { email: owner.email, device });
    expect(answers).toEqual(Array(OWNER_SIGN_INS).fill("signed-in"));
    expectNoErrors(flood.answers);
    console.log(`no proxy, device cookie: flood answers ${summary(flood.answers)}`);
  });
});

describe("a flood of unknown emails cannot keep the owner out (behind one trusted proxy)", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      AUTH_BCRYPT_COST: String(COST),
      AUTH_TRUSTED_PROXY_HOPS: "1",
      AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS: "1000000", // the flood keeps hashing instead of being locked out
    });
  });
  afterAll(() => ctx.cleanup());

  it("40 junk clients on 40 addresses: the owner's browser with its device cookie gets in every time", async () => {
    const owner = await createUser(ctx.db, { email: "owner1@example.com", password, cost: COST });
    const device = issueDeviceToken(TEST_SECRET, { email: owner.email, credentialEpoch: 0 })!;
    // Each junk request is an account's first attempt from a client with nothing in flight: only the last
    // slots, kept for device cookies, are out of their reach.
    const flood = startFlood(ctx, (i) => `198.51.100.${i + 1}`);
    const answers = await ownerDuringFlood(ctx, flood, { email: owner.email, ip: "192.0.2.10", device });
    expect(answers).toEqual(Array(OWNER_SIGN_INS).fill("signed-in"));
    expectNoErrors(flood.answers);
    console.log(`40 addresses, device cookie: flood answers ${summary(flood.answers)}`);
  });

  it("40 junk clients on one address: the owner from another address, without a device cookie, gets in every time; busy answers cost the flood no attempts", async () => {
    const owner = await createUser(ctx.db, { email: "owner2@example.com", password, cost: COST });
    const floodIp = "203.0.113.66";
    const flood = startFlood(ctx, () => floodIp);
    const answers = await ownerDuringFlood(ctx, flood, { email: owner.email, ip: "192.0.2.20" });
    expect(answers).toEqual(Array(OWNER_SIGN_INS).fill("signed-in"));
    expectNoErrors(flood.answers);
    console.log(`one address, no device cookie: flood answers ${summary(flood.answers)}`);
    const busy = flood.answers.filter((a) => a === "busy").length;
    const evaluated = flood.answers.filter((a) => a === "wrong").length;
    expect(busy).toBeGreaterThan(0);
    // The address's counter holds exactly the attempts that were checked: none of the busy ones.
    const row = await ctx.db.signInThrottle.findUnique({ where: { key: throttleKeys.address(floodIp) } });
    expect(row?.failures).toBe(evaluated);
  });
});

/** Holds every slot of the queue (as device cookies of other accounts would), so nothing else is admitted. */
function fillQueue(): () => void {
  const held: PasswordTicket[] = [];
  for (let ticket; (ticket = admitPasswordWork({ account: `holder-${held.length}`, trustedDevice: true }));)
    held.push(ticket);
  expect(held).toHaveLength(8);
  return () => held.forEach((ticket) => ticket.release());
}

describe("a full queue answers busy, never counts it, and never throws", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_TRUSTED_PROXY_HOPS: "1" });
  });
  afterAll(() => ctx.cleanup());

  it("the owner's right current password (a password change) is answered busy, and neither counts nor locks", async () => {
    const owner = await createUser(ctx.db, { email: "changer@example.com", password });
    const throttle = { max: 3, windowSeconds: 900, lockoutSeconds: 900 };
    const check = () =>
      checkCurrentPassword(
        ctx.db,
        { userId: owner.id, currentPassword: password, cost: 4, client: "192.0.2.30" },
        throttle,
      );
    const release = fillQueue();
    try {
      for (let i = 0; i < throttle.max + 2; i++)
        expect(await check()).toEqual({ ok: false, problem: "busy", message: expect.stringMatching(BUSY_MESSAGE) });
      const row = await ctx.db.signInThrottle.findUnique({ where: { key: throttleKeys.passwordCheck(owner.id) } });
      expect(row).toBeNull();
    } finally {
      release();
    }
    expect(await check()).toEqual({ ok: true, email: owner.email });
  });

  it("a sign-up is answered busy with how long to wait, and not counted against its address", async () => {
    const ip = "192.0.2.40";
    const input = { name: "New Person", email: "new-person@example.com", password: "plinth-quasar-marmot-7" };
    const register = () => registerUser(ctx.db, input, 4, registrationLimit(ip, 1, 64), ip);
    const release = fillQueue();
    try {
      expect(await register()).toEqual({
        status: "error",
        reason: "busy",
        message: expect.stringMatching(BUSY_MESSAGE),
        retryAfterSeconds: expect.any(Number),
      });
    } finally {
      release();
    }
    expect(await ctx.db.signInThrottle.count({ where: { key: { contains: ip } } })).toBe(0);
    expect((await register()).status).toBe("created"); // the one sign-up the address may make is still there
  });

  it("the sign-in form says how long to wait", () => {
    expect(signInErrorMessage("CredentialsSignin", "busy")).toMatch(
      /^Sign-in is busy right now\. Please try again in \d+ seconds?\.$/,
    );
  });

  it("a busy refusal thrown by the pool into another copy of the modules (another server bundle) is answered, not thrown", async () => {
    const owner = await createUser(ctx.db, { email: "resetter@example.com", password });
    const token = await issueEmailToken(ctx.db, {
      userId: owner.id,
      purpose: "reset-password",
      email: owner.email,
      ttlSeconds: 600,
    });
    const release = fillQueue(); // through this file's copy of lib/password.ts: it created the pool
    try {
      vi.resetModules();
      const other = await import("../../lib/password-reset");
      const newPassword = "plinth-quasar-marmot-8";
      const meta = { userAgent: null, ip: "192.0.2.50" };
      expect(
        await other.resetPassword(ctx.db, ctx.env, { token, newPassword, confirmPassword: newPassword, meta }),
      ).toEqual({
        status: "error",
        message: expect.stringMatching(BUSY_MESSAGE),
      });
    } finally {
      release();
    }
    expect(await checkResetLink(ctx.db, token)).toEqual({ ok: true }); // the link was not used up
  });
});

function summary(answers: Answer[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  return [...counts].map(([answer, n]) => `${n} ${answer}`).join(", ");
}
