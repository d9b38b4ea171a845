import { randomBytes } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE_NAMES } from "../../lib/auth/session-cookie";
import { verifyPassword } from "../../lib/password";
import { REGISTER_BODY_MAX_BYTES, validateRegistration } from "../../lib/registration";
import { parseBody } from "../../lib/request-body";
import { emailSchema } from "../../lib/validation";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import {
  asciiString,
  createRng,
  describeInput,
  formEncode,
  fuzzEmail,
  fuzzLength,
  fuzzSeed,
  hostileEmail,
  hostileJsonValue,
  hostileString,
  runPool,
  testNetworkIp,
  unicodeString,
  type Rng,
} from "../support/fuzz";
import { HttpClient } from "../../harness/http-client";
import { E2E_SECRET } from "../../harness/server";
import { createTestUser, deleteTestUser, rowCounts, SESSION_COOKIE, signedInClient, type TestUser } from "./helpers";

// ASVS 5.0 fuzzing (issue item 9): 10,000 generated inputs per run against the production server — sign-in
// posts, registration posts and session cookies. Every one must be answered without a 5xx, without a session,
// and without a row the input did not entitle it to. Inputs come from a seeded PRNG: a failure prints the seed,
// and FUZZ_SEED=<seed> replays the same inputs.

const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
const seed = fuzzSeed();
const CONCURRENCY = 8;
const COUNTS = { credentials: 4000, registration: 3000, cookies: 3000 };
const FUZZ_TIMEOUT_MS = 300_000;
const REQUEST_TIMEOUT_MS = 30_000;
const DEMO_EMAILS = [DEMO.admin.email, DEMO.user.email];
// Keeps generated accounts unique when a seed is replayed against a database that already saw it.
const runTag = randomBytes(3).toString("hex");

type Sent = { status: number; location: string | null; setCookies: string[]; body: string } | { failed: string };
type Failure = { index: number; input: string; problem: string };

beforeAll(() => {
  console.log(`[fuzz] seed ${seed} (${strategy}): replay with FUZZ_SEED=${seed}`);
});
afterAll(async () => {
  // The throttle counters this file made: the reserved test networks and the fuzz email domain only.
  await db.signInThrottle.deleteMany({
    where: {
      OR: [
        { key: { startsWith: "ip:198.18." } },
        { key: { startsWith: "ip:198.19." } },
        { key: { startsWith: "ip:2001:db8:" } },
        { key: { contains: "fuzz.invalid" } },
      ],
    },
  });
  await db.$disconnect();
});

async function send(path: string, init: RequestInit & { duplex?: "half" }): Promise<Sent> {
  try {
    // A request that never gets an answer is a failure with its input named, not a test timeout.
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await response.text();
    return {
      status: response.status,
      location: response.headers.get("location"),
      setCookies: response.headers.getSetCookie(),
      body,
    };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { failed: `${(error as Error).message}${cause ? `: ${cause}` : ""}` };
  }
}

/**
 * Generating thousands of inputs keeps this process busy for seconds, during which the server closes idle
 * keep-alive sockets without the client noticing; the next POSTs would go out on dead sockets ("other side
 * closed"). Let the client see the closes, then reuse the pool with harmless GETs that may be retried.
 */
async function settleConnections(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  await runPool(CONCURRENCY, CONCURRENCY, async () => {
    for (let attempt = 1; ; attempt++) {
      const answer = await send("/api/health", {});
      if (!("failed" in answer) || attempt === 3) return;
    }
  });
}

/** True when a response hands out a session cookie (any name, any chunk) with a value. */
function setsASessionCookie(setCookies: string[]): boolean {
  return setCookies.some((line) => {
    const [pair] = line.split(";");
    const name = pair.slice(0, pair.indexOf("=")).trim();
    const value = pair.slice(pair.indexOf("=") + 1).trim();
    return SESSION_COOKIE_NAMES.some((base) => name === base || name.startsWith(`${base}.`)) && value !== "";
  });
}

/** Path + query of a redirect that stays on the app's origin, else the whole URL. */
function sameOriginTarget(location: string | null): string | null {
  if (!location) return null;
  const url = new URL(location, baseUrl);
  return url.origin === new URL(baseUrl).origin ? url.pathname + url.search : url.href;
}

function expectNoFailures(kind: string, failures: Failure[], total: number) {
  expect(
    failures.slice(0, 10),
    `${failures.length} of ${total} ${kind} inputs failed — replay with FUZZ_SEED=${seed}`,
  ).toEqual([]);
}

/** Never let a generated email normalise to a demo account: lockouts would break the other e2e files. */
function notADemoAccount(email: string): string {
  const parsed = emailSchema.safeParse(email);
  return parsed.success && DEMO_EMAILS.includes(parsed.data) ? `not-${parsed.data}.fuzz.invalid` : email;
}

type FieldValue = string | Uint8Array<ArrayBuffer>;

/** A form body; values that are byte arrays are sent as raw bytes (mostly invalid UTF-8). */
function formBody(entries: [string, FieldValue][]): string {
  return entries.map(([key, value]) => `${formEncode(key)}=${formEncode(value)}`).join("&");
}

/** Sometimes raw random bytes instead of the text. */
function maybeBytes(rng: Rng, text: () => string): FieldValue {
  return rng.chance(0.12) ? rng.bytes(rng.between(1, 200)) : text();
}

// ───────────────────────────── credentials callback ─────────────────────────────

const CALLBACK = "/api/auth/callback/credentials";
/** One address for the inputs that must trip the per-IP lockout. */
const LOCKED_IP = "198.18.255.254";

type CredentialsInput = {
  group: "random" | "account" | "ip";
  contentType?: string;
  body: string | Uint8Array<ArrayBuffer>;
  forwardedFor: string;
};

function credentialsInput(rng: Rng, index: number, csrfToken: string, lockedEmail: string): CredentialsInput {
  const tag = `c${index}-${runTag}`;
  const forwardedFor = rng.chance(0.05) ? asciiString(rng, rng.between(1, 300)).trim() || "x" : testNetworkIp(rng);
  const token = () =>
    rng.weighted<string>([
      [88, () => csrfToken],
      [4, () => ""],
      [4, () => hostileString(rng, 512)],
      [4, () => csrfToken.slice(1)],
    ]);
  const email = () => notADemoAccount(hostileEmail(rng, tag));
  const callbackUrl = () =>
    rng.pick([
      "/dashboard",
      "https://evil.example/",
      "//evil.example",
      "javascript:alert(1)",
      hostileString(rng, 2048),
    ]);
  const form = (
    entries: [string, FieldValue][],
    group: CredentialsInput["group"] = "random",
    ip = forwardedFor,
  ): CredentialsInput => ({
    group,
    contentType: "application/x-www-form-urlencoded",
    body: formBody(entries),
    forwardedFor: ip,
  });

  return rng.weighted<CredentialsInput>([
    // Hostile values in every field of an otherwise normal form.
    [
      41,
      () =>
        form([
          ["csrfToken", token()],
          ["email", maybeBytes(rng, email)],
          ["password", maybeBytes(rng, () => hostileString(rng))],
          ["callbackUrl", callbackUrl()],
        ]),
    ],
    // A well-formed unknown email: reaches the password check and the per-IP counter.
    [
      15,
      () =>
        form([
          ["csrfToken", csrfToken],
          ["email", fuzzEmail(rng, tag)],
          ["password", hostileString(rng, 2048) || "x"],
        ]),
    ],
    // A real account with wrong passwords: locked after AUTH_SIGNIN_MAX_FAILURES (100 on the e2e server, so ~280
    // inputs per group).
    [
      7,
      () =>
        form(
          [
            ["csrfToken", csrfToken],
            ["email", lockedEmail],
            ["password", asciiString(rng, rng.between(1, 64))],
          ],
          "account",
        ),
    ],
    // Many accounts from one address: that address gets locked.
    [
      7,
      () =>
        form(
          [
            ["csrfToken", csrfToken],
            ["email", fuzzEmail(rng, tag)],
            ["password", "wrong-password"],
          ],
          "ip",
          LOCKED_IP,
        ),
    ],
    // JSON bodies with operators, arrays, numbers and nesting where strings belong.
    [
      15,
      () => {
        const fields: Record<string, unknown> = {
          csrfToken: rng.chance(0.9) ? csrfToken : hostileJsonValue(rng, token),
          email: hostileJsonValue(rng, email),
          password: hostileJsonValue(rng, () => hostileString(rng)),
        };
        if (rng.chance(0.3)) fields.callbackUrl = hostileJsonValue(rng, callbackUrl);
        // An own "__proto__" key (plain assignment would set the prototype and JSON.stringify would drop it).
        if (rng.chance(0.1)) Object.defineProperty(fields, "__proto__", { value: { admin: true }, enumerable: true });
        let body = JSON.stringify(fields);
        if (rng.chance(0.1)) body = body.slice(0, rng.int(body.length)); // truncated JSON
        return {
          group: "random",
          contentType: rng.pick(["application/json", "application/json; charset=utf-8"]),
          body,
          forwardedFor,
        };
      },
    ],
    // Arrays via repeated keys, operator-style keys and prototype keys.
    [
      10,
      () => {
        const entries: [string, FieldValue][] = [["csrfToken", csrfToken]];
        for (let i = rng.between(1, 6); i > 0; i--) {
          const key = rng.pick([
            "email",
            "password",
            "email[]",
            "email[$ne]",
            "password[$gt]",
            "__proto__",
            "constructor[prototype][x]",
            "csrfToken",
          ]);
          entries.push([key, maybeBytes(rng, () => (key.startsWith("email") ? email() : hostileString(rng, 4096)))]);
        }
        return form(entries);
      },
    ],
    // Bodies that are not what their content type says, or have none.
    [
      5,
      () => ({
        group: "random",
        contentType: rng.pick([
          "application/json",
          "application/x-www-form-urlencoded",
          "text/plain",
          "multipart/form-data; boundary=x",
          "application/xml",
          undefined,
        ]),
        body: rng.chance(0.5) ? rng.bytes(fuzzLength(rng, 100_000)) : hostileString(rng),
        forwardedFor,
      }),
    ],
  ]);
}

function checkCredentialsAnswer(sent: Sent): string | null {
  if ("failed" in sent) return `request failed: ${sent.failed}`;
  if (sent.status >= 500) return `HTTP ${sent.status}: ${sent.body.slice(0, 200)}`;
  if (setsASessionCookie(sent.setCookies)) return "a session cookie was set";
  if (sent.status === 400) return null; // Auth.js: a body it cannot parse at all
  if (sent.status !== 302) return `HTTP ${sent.status}`;
  const target = sameOriginTarget(sent.location);
  return target?.startsWith("/login?error=") ? null : `redirected to ${sent.location}`;
}

describe(`fuzzing the credentials callback (${strategy})`, () => {
  let locked: TestUser;
  beforeAll(async () => {
    locked = await createTestUser(db, "fuzz-locked");
  });
  afterAll(() => deleteTestUser(db, locked));

  it(
    "ASVS 6.3.1 fuzzed sign-in posts: no 5xx, no session, no new rows; lockouts answer cleanly",
    async () => {
      const rng = createRng(seed);
      const client = new HttpClient(baseUrl);
      const csrfToken = await client.csrfToken();
      const cookie = client.cookieHeader();
      const inputs = Array.from({ length: COUNTS.credentials }, (_, i) =>
        credentialsInput(rng, i, csrfToken, locked.email),
      );
      const hashBefore = (await db.user.findUniqueOrThrow({ where: { id: locked.id } })).passwordHash;
      const before = await rowCounts(db);

      await settleConnections();
      const sent = await runPool(inputs.length, CONCURRENCY, (i) => {
        const headers: Record<string, string> = { cookie, "x-forwarded-for": inputs[i].forwardedFor };
        if (inputs[i].contentType) headers["content-type"] = inputs[i].contentType!;
        return send(CALLBACK, { method: "POST", headers, body: inputs[i].body });
      });

      const failures: Failure[] = [];
      sent.forEach((answer, index) => {
        const problem = checkCredentialsAnswer(answer);
        if (problem) failures.push({ index, input: describeInput(inputs[index].body), problem });
      });
      expectNoFailures("sign-in", failures, inputs.length);
      expect(await rowCounts(db)).toEqual(before);
      expect((await db.user.findUniqueOrThrow({ where: { id: locked.id } })).passwordHash).toBe(hashBefore);

      // The lockout path was exercised, and answered like any other failure (a 302, no session).
      const rateLimited = (group: CredentialsInput["group"]) =>
        sent.filter(
          (answer, i) =>
            inputs[i].group === group && "status" in answer && answer.location?.includes("code=rate_limited"),
        ).length;
      expect(rateLimited("account"), "the fuzz account was never locked").toBeGreaterThan(0);
      expect(rateLimited("ip"), "the fuzz IP was never locked").toBeGreaterThan(0);
      console.log(`[fuzz] sign-in: ${inputs.length} inputs, statuses ${JSON.stringify(countBy(sent))}`);
    },
    FUZZ_TIMEOUT_MS,
  );
});

/** How many answers had each status; redirects to /login also by their error and code. */
function countBy(sent: Sent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of sent) {
    let key = "failed" in answer ? "failed" : String(answer.status);
    if (!("failed" in answer) && answer.location?.includes("/login?error=")) {
      const query = new URL(answer.location, baseUrl).searchParams;
      key += ` ${query.get("error")}${query.get("code") ? `/${query.get("code")}` : ""}`;
    }
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

// ───────────────────────────── registration API ─────────────────────────────

type RegistrationInput = {
  contentType?: string;
  body: string | Uint8Array<ArrayBuffer>;
  origin?: string;
  /** Sent as a stream, without Content-Length. */
  stream: boolean;
};

/** Fields a client must never be able to set by registering. */
const MASS_ASSIGNMENT = {
  roleName: "admin",
  role: "admin",
  active: false,
  id: "fuzz-fixed-id",
  passwordHash: "$2b$04$abcdefghijklmnopqrstuu",
  emailVerified: "2020-01-01",
};
/** Keeps the biggest bodies within what the route drains after its 16 KB cap (lib/request-body.ts). */
const REGISTRATION_FIELD_MAX = 200_000;

async function registrationInput(rng: Rng, index: number): Promise<RegistrationInput> {
  const tag = `r${index}-${runTag}`;
  const fields: Record<string, unknown> = {
    name: rng.chance(0.45) ? `Fuzz ${index}` : hostileString(rng, REGISTRATION_FIELD_MAX),
    email: rng.weighted<string>([
      [40, () => fuzzEmail(rng, tag)],
      [4, () => rng.pick(DEMO_EMAILS)],
      [56, () => hostileEmail(rng, tag, REGISTRATION_FIELD_MAX)],
    ]),
    password: rng.chance(0.45) ? asciiString(rng, rng.between(8, 72)) : hostileString(rng, REGISTRATION_FIELD_MAX),
  };
  if (rng.chance(0.2)) Object.assign(fields, MASS_ASSIGNMENT);
  const origin = rng.weighted<string | undefined>([
    [90, () => undefined],
    [5, () => baseUrl],
    [3, () => "https://evil.example"],
    [2, () => "null"],
  ]);
  const stream = rng.chance(0.03);

  const encoding = rng.weighted<"json" | "form" | "multipart" | "other">([
    [70, () => "json"],
    [18, () => "form"],
    [5, () => "multipart"],
    [7, () => "other"],
  ]);
  if (encoding === "json") {
    const json = { ...fields };
    if (rng.chance(0.1))
      json[rng.pick(["name", "email", "password"])] = hostileJsonValue(rng, () => hostileString(rng, 1000));
    let body = JSON.stringify(json);
    if (rng.chance(0.03)) body = rng.pick(["[]", "null", '"text"', "123", "{", "", "\u0000", '{"name":']);
    else if (rng.chance(0.03)) body = body.slice(0, rng.int(body.length)); // truncated
    return {
      contentType: rng.pick(["application/json", "application/json; charset=utf-8", "APPLICATION/JSON"]),
      body,
      origin,
      stream,
    };
  }
  if (encoding === "form") {
    const entries = Object.entries(fields).map(([key, value]): [string, FieldValue] => [
      key,
      rng.chance(0.1) ? rng.bytes(rng.between(1, 100)) : String(value),
    ]);
    if (rng.chance(0.15)) entries.push([rng.pick(["name", "email", "password"]), hostileString(rng, 1000)]); // a repeated key
    return { contentType: "application/x-www-form-urlencoded", body: formBody(entries), origin, stream };
  }
  if (encoding === "multipart") {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, String(value).toWellFormed());
    if (rng.chance(0.2)) form.append("password", new Blob([rng.bytes(50)]), "file.bin"); // a file where text belongs
    const encoded = new Request("http://multipart.invalid/", { method: "POST", body: form });
    return {
      contentType: encoded.headers.get("content-type")!,
      body: new Uint8Array(await encoded.arrayBuffer()),
      origin,
      stream,
    };
  }
  const contentType = rng.pick(["text/plain", "application/xml", "application/json-patch+json", undefined]);
  return { contentType, body: JSON.stringify(fields), origin, stream };
}

type Expected = { status: 201 | 400 | 403 | 413 | 415; email?: string; password?: string };

/** What the route must answer, from the same body rules and schema (201 may become 409 for a taken email). */
async function expectedRegistration(input: RegistrationInput): Promise<Expected> {
  const appHost = new URL(baseUrl).host;
  if (input.origin && (input.origin === "null" || new URL(input.origin).host !== appHost)) return { status: 403 };
  const headers = input.contentType ? { "content-type": input.contentType } : undefined;
  const parsed = await parseBody(
    new Request("http://oracle.invalid/", { method: "POST", headers, body: input.body }),
    REGISTER_BODY_MAX_BYTES,
  );
  if (!parsed.ok) return { status: parsed.status };
  const valid = await validateRegistration(parsed.fields); // the field rules and the password's strength
  return valid.ok ? { status: 201, email: valid.data.email, password: valid.data.password } : { status: 400 };
}

function sendRegistration(input: RegistrationInput): Promise<Sent> {
  const headers: Record<string, string> = {};
  if (input.contentType) headers["content-type"] = input.contentType;
  if (input.origin) headers.origin = input.origin;
  if (!input.stream) return send("/api/register", { method: "POST", headers, body: input.body });
  const bytes = typeof input.body === "string" ? new TextEncoder().encode(input.body) : input.body;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.byteLength; i += 4096) controller.enqueue(bytes.slice(i, i + 4096));
      controller.close();
    },
  });
  return send("/api/register", { method: "POST", headers, body, duplex: "half" });
}

describe(`fuzzing POST /api/register (${strategy})`, () => {
  const passwordById = new Map<string, string>();
  afterAll(() => db.user.deleteMany({ where: { id: { in: [...passwordById.keys()] } } }));

  it(
    "fuzzed registrations: no 5xx, the documented 4xx for each bad input, exactly one new user per valid new email",
    async () => {
      const rng = createRng(seed + 1);
      const inputs: RegistrationInput[] = [];
      for (let i = 0; i < COUNTS.registration; i++) inputs.push(await registrationInput(rng, i));
      const expected = await runPool(inputs.length, CONCURRENCY, (i) => expectedRegistration(inputs[i]));
      const validEmails = [...new Set(expected.flatMap((e) => (e.email ? [e.email] : [])))];
      const taken = new Set(
        (await db.user.findMany({ where: { email: { in: validEmails } }, select: { email: true } })).map(
          (u) => u.email,
        ),
      );
      const demoHashes = await db.user.findMany({
        where: { email: { in: DEMO_EMAILS } },
        select: { email: true, passwordHash: true },
      });
      const before = await rowCounts(db);

      await settleConnections();
      const sent = await runPool(inputs.length, CONCURRENCY, (i) => sendRegistration(inputs[i]));

      const failures: Failure[] = [];
      const createdByEmail = new Map<string, number>();
      sent.forEach((answer, index) => {
        const fail = (problem: string) => failures.push({ index, input: describeInput(inputs[index].body), problem });
        if ("failed" in answer) return fail(`request failed: ${answer.failed}`);
        if (answer.status >= 500) return fail(`HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
        if (setsASessionCookie(answer.setCookies)) return fail("a session cookie was set");
        const want = expected[index];
        if (want.status !== 201) {
          if (answer.status !== want.status)
            fail(`HTTP ${answer.status}, expected ${want.status}: ${answer.body.slice(0, 200)}`);
          return;
        }
        if (answer.status === 409) return;
        if (answer.status !== 201)
          return fail(`HTTP ${answer.status} for a valid registration: ${answer.body.slice(0, 200)}`);
        const created = JSON.parse(answer.body) as { id: string; email: string };
        if (created.email !== want.email) fail(`created ${created.email}, expected ${want.email}`);
        passwordById.set(created.id, want.password!);
        createdByEmail.set(want.email!, (createdByEmail.get(want.email!) ?? 0) + 1);
      });
      expectNoFailures("registration", failures, inputs.length);

      // Exactly one account per valid email that was free, none for taken ones (the others got 409).
      const wantCreated = validEmails.filter((email) => !taken.has(email));
      expect([...createdByEmail.keys()].sort()).toEqual(wantCreated.sort());
      expect([...createdByEmail.values()].every((n) => n === 1)).toBe(true);
      expect(await rowCounts(db)).toEqual({ ...before, users: before.users + passwordById.size });

      // Nothing but name, email and password came from the client, and the password was stored exactly as sent.
      const users = await db.user.findMany({
        where: { id: { in: [...passwordById.keys()] } },
        select: { id: true, email: true, roleName: true, active: true, passwordHash: true },
      });
      expect(users).toHaveLength(passwordById.size);
      expect(passwordById.has(MASS_ASSIGNMENT.id)).toBe(false);
      for (const user of users) {
        expect(user, user.email).toMatchObject({ roleName: "user", active: true });
        expect(await verifyPassword(passwordById.get(user.id)!, user.passwordHash!), user.email).toBe(true);
      }
      expect(
        await db.user.findMany({ where: { email: { in: DEMO_EMAILS } }, select: { email: true, passwordHash: true } }),
      ).toEqual(demoHashes);
      console.log(
        `[fuzz] registration: ${inputs.length} inputs, ${passwordById.size} users created, statuses ${JSON.stringify(countBy(sent))}`,
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});

// ───────────────────────────── session cookies ─────────────────────────────

/** Node's default limit for all request headers together; a larger cookie header is refused with 431. */
const MAX_HEADER_BYTES = 16 * 1024;
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** What fetch can put in a header: tab, printable ASCII and Latin-1; anything else becomes a %XX escape. */
function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, (c) => `%${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, "0")}`);
}

/** Indexes whose character can change without leaving the decoded bytes unchanged (not the last of a segment). */
function innerIndexes(value: string): number[] {
  const indexes: number[] = [];
  for (let i = 0; i < value.length - 1; i++) if (value[i] !== "." && value[i + 1] !== ".") indexes.push(i);
  return indexes;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A real session cookie, changed so that it must no longer be accepted. */
function mutatedCookie(rng: Rng, real: string): string {
  const inner = innerIndexes(real);
  const at = inner.length ? rng.pick(inner) : 0;
  const mutated = rng.weighted<string>([
    [30, () => real.slice(0, at) + rng.pick([...BASE64URL.replace(real[at], "")]) + real.slice(at + 1)],
    [15, () => real.slice(0, rng.int(real.length))],
    [15, () => real + asciiString(rng, rng.between(1, 8)).replace(/[^A-Za-z0-9]/g, "A")],
    [10, () => real.slice(0, at) + real.slice(at + 1)],
    [10, () => real.split(".").reverse().join(".")],
    [10, () => `${real.slice(0, at)}.${real.slice(at)}`],
    [10, () => real.replace(/[a-z]/, (c) => c.toUpperCase())],
  ]);
  return mutated === real ? `${real}A` : mutated;
}

const withoutNul = (value: unknown) => (typeof value === "string" ? value.replaceAll("\u0000", "") : value);

/** Claims of the wrong types, and never a fresh `claimsCheckedAt`: a token like this must always be re-checked. */
function hostileClaims(rng: Rng): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: hostileJsonValue(rng, () => rng.pick(["", "admin", hostileString(rng, 300)])),
    email: hostileJsonValue(rng, () => rng.pick([DEMO.admin.email, hostileEmail(rng, "cookie", 300)])),
    role: hostileJsonValue(rng, () => rng.pick(["admin", hostileString(rng, 300)])),
    permissions: hostileJsonValue(rng, () => rng.pick(["users:read", "*"])),
    // No NUL in a string sid: that one is a known 503 on PostgreSQL, pinned by its own test below.
    sid: withoutNul(hostileJsonValue(rng, () => rng.pick([hostileString(rng, 300), "' OR 1=1 --"]))),
    authTime: hostileJsonValue(rng, () => rng.pick(["0", "now", String(Date.now())])),
  };
  // Never now or in the future: a token checked "just now" is trusted without the database, by design.
  const checkedAt = rng.pick<unknown>([undefined, 0, -1, "now", null, -1e30]);
  if (checkedAt !== undefined) claims.claimsCheckedAt = checkedAt;
  return claims;
}

async function cookieValue(rng: Rng, name: string, real: string): Promise<string> {
  const value = await rng.weighted<string | Promise<string>>([
    [12, () => asciiString(rng, fuzzLength(rng, 6000))],
    [10, () => b64url(rng.bytes(rng.between(1, 300)))],
    [8, () => b64url(rng.bytes(32))], // the shape of a database session token
    [5, () => Buffer.from(rng.bytes(rng.between(1, 300))).toString("base64")],
    [
      12,
      () => {
        const header = {
          alg: rng.pick(["dir", "none", "A256KW", "RSA-OAEP"]),
          enc: rng.pick(["A256CBC-HS512", "A256GCM", "x"]),
          kid: hostileString(rng, 100),
        };
        const parts = [
          b64json(header),
          "",
          b64url(rng.bytes(16)),
          b64url(rng.bytes(rng.between(0, 2000))),
          b64url(rng.bytes(32)),
        ];
        return parts.join(".");
      },
    ],
    [
      5,
      () =>
        `${b64json({ alg: "none", typ: "JWT" })}.${b64json({ sub: "x", email: DEMO.admin.email, role: "admin", permissions: ["users:read"] })}.`,
    ],
    // Encrypted with the server's real secret, so the claim checks behind decryption are what is fuzzed.
    [12, () => encode({ token: hostileClaims(rng), secret: E2E_SECRET, salt: name, maxAge: rng.pick([3600, -3600]) })],
    [12, () => mutatedCookie(rng, real)],
    [
      6,
      () =>
        Array.from({ length: rng.between(1, 8) }, () =>
          rng.pick(["%", "%%", "%ZZ", "%00", "%F0%9F%98%80", "%C0%AF", "%E2%80%AE", "a"]),
        ).join(""),
    ],
    [5, () => String.fromCharCode(...Array.from({ length: rng.between(1, 200) }, () => rng.between(0x80, 0xff)))],
    [5, () => encodeURIComponent(unicodeString(rng, rng.between(1, 10)).toWellFormed())],
    [5, () => (rng.chance(0.5) ? real : "A").padEnd(rng.between(4097, 40_000), rng.pick(["A", ".", "%41"]))],
  ]);
  return headerSafe(value);
}

type CookieInput = { cookie: string; path: "/api/auth/session" | "/api/me" | "/dashboard" };

async function cookieInput(rng: Rng, real: string): Promise<CookieInput> {
  const name = rng.weighted<string>([
    [80, () => SESSION_COOKIE],
    [10, () => rng.pick(SESSION_COOKIE_NAMES.filter((n) => n !== SESSION_COOKIE))],
    [10, () => `${SESSION_COOKIE}.${rng.int(3)}`],
  ]);
  let cookie = `${name}=${await cookieValue(rng, name, real)}`;
  if (rng.chance(0.05)) cookie += `; ${SESSION_COOKIE}=${await cookieValue(rng, SESSION_COOKIE, real)}`; // the name twice
  if (rng.chance(0.05)) cookie += `; ${SESSION_COOKIE}.1=${await cookieValue(rng, SESSION_COOKIE, real)}`; // a stray chunk
  return { cookie, path: rng.pick(["/api/auth/session", "/api/me", "/dashboard"] as const) };
}

function checkSignedOutAnswer(input: CookieInput, sent: Sent): string | null {
  if ("failed" in sent) return `request failed: ${sent.failed}`;
  if (sent.status >= 500) return `HTTP ${sent.status}: ${sent.body.slice(0, 200)}`;
  if (setsASessionCookie(sent.setCookies)) return "a session cookie was set";
  const size = Buffer.byteLength(input.cookie);
  if (size > MAX_HEADER_BYTES)
    return sent.status === 431 ? null : `HTTP ${sent.status} for a ${size}-byte cookie header`;
  if (sent.status === 431 && size > MAX_HEADER_BYTES - 1024) return null; // near the limit the other headers tip it over
  if (input.path === "/api/auth/session") {
    return sent.status === 200 && ["null", "{}"].includes(sent.body.trim())
      ? null
      : `HTTP ${sent.status}: ${sent.body.slice(0, 200)}`;
  }
  if (input.path === "/api/me") return sent.status === 401 ? null : `HTTP ${sent.status}: ${sent.body.slice(0, 200)}`;
  const target = sameOriginTarget(sent.location);
  return sent.status === 307 && target === "/login?callbackUrl=%2Fdashboard"
    ? null
    : `HTTP ${sent.status} to ${sent.location}`;
}

describe(`fuzzing the session cookie (${strategy})`, () => {
  let owner: TestUser;
  let real: string;
  beforeAll(async () => {
    owner = await createTestUser(db, "fuzz-cookie");
    real = (await signedInClient(owner.email, owner.password)).sessionCookie!;
  });
  afterAll(() => deleteTestUser(db, owner));

  it(
    "ASVS 7.2.1 fuzzed session cookies: never signed in, no 5xx, no rows touched",
    async () => {
      const rng = createRng(seed + 2);
      const inputs: CookieInput[] = [];
      for (let i = 0; i < COUNTS.cookies; i++) inputs.push(await cookieInput(rng, real));
      const before = await rowCounts(db);

      await settleConnections();
      const sent = await runPool(inputs.length, CONCURRENCY, (i) =>
        send(inputs[i].path, { headers: { cookie: inputs[i].cookie } }),
      );

      const failures: Failure[] = [];
      sent.forEach((answer, index) => {
        const problem = checkSignedOutAnswer(inputs[index], answer);
        if (problem) failures.push({ index, input: describeInput(inputs[index].cookie), problem });
      });
      expectNoFailures("cookie", failures, inputs.length);
      expect(await rowCounts(db)).toEqual(before);

      // The real cookie was never disturbed by its mutants.
      const client = new HttpClient(baseUrl);
      client.cookies.set(SESSION_COOKIE, real);
      expect((await client.json("/api/me")).status).toBe(200);
      console.log(`[fuzz] cookies: ${inputs.length} inputs, statuses ${JSON.stringify(countBy(sent))}`);
    },
    FUZZ_TIMEOUT_MS,
  );

  // Found by this fuzz: a sid with a NUL once reached PostgreSQL and gave 503; sids are now shape-checked first.
  it("a JWE with the server's key and a NUL in its sid is signed out, not a 5xx", async () => {
    const token = {
      sub: owner.id,
      email: owner.email,
      role: "user",
      permissions: [],
      sid: "a\u0000b",
      authTime: Math.floor(Date.now() / 1000),
    };
    const cookie = `${SESSION_COOKIE}=${await encode({ token, secret: E2E_SECRET, salt: SESSION_COOKIE })}`;
    expect(
      checkSignedOutAnswer({ cookie, path: "/api/me" }, await send("/api/me", { headers: { cookie } })),
    ).toBeNull();
  });

  it("signing in while presenting a JWE whose sid holds NUL works (the previous session's sid never reaches a query)", async () => {
    const token = {
      sub: owner.id,
      email: owner.email,
      role: "user",
      permissions: [],
      sid: "a\u0000b",
      authTime: Math.floor(Date.now() / 1000),
    };
    const client = new HttpClient(baseUrl);
    client.cookies.set(SESSION_COOKIE, await encode({ token, secret: E2E_SECRET, salt: SESSION_COOKIE }));
    const response = await client.signIn(owner.email, owner.password);
    expect(response.status).toBe(302);
    expect(sameOriginTarget(response.headers.get("location"))).toBe("/dashboard");
  });
});
