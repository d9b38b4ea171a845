import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateToken } from "../../lib/auth/random-token";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import { setCookies } from "../../harness/cookie-jar";
import { HttpClient } from "../../harness/http-client";
import { E2E_SECRET } from "../../harness/server";
import {
  clearsSessionCookie,
  createTestUser,
  deleteTestUser,
  redirectTarget,
  rowCounts,
  SESSION_COOKIE,
  setsSessionCookie,
  signedInClient,
  uniqueEmail,
  type TestUser,
} from "./helpers";

// Hostile and broken input over HTTP: never a 5xx, never a session, never a changed row.
// Only two tests here fail a real password check: the sign-in throttle counts those per IP, and all e2e
// files of a run share one IP and one database.

const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();
const CALLBACK = "/api/auth/callback/credentials";
let user: TestUser;
let demoUserHash: string | null;

beforeAll(async () => {
  user = await createTestUser(db, "bad-input");
  demoUserHash = (await db.user.findUniqueOrThrow({ where: { email: DEMO.user.email } })).passwordHash;
});
afterAll(async () => {
  // Nothing any of these requests did may have touched the demo account.
  expect((await db.user.findUniqueOrThrow({ where: { email: DEMO.user.email } })).passwordHash).toBe(demoUserHash);
  await deleteTestUser(db, user);
  await db.$disconnect();
});

/** Runs `send` and checks it neither errored, signed anyone in, nor added or removed users or sessions. */
async function expectRejected(client: HttpClient, send: () => Promise<Response>): Promise<Response> {
  const before = await rowCounts(db);
  const response = await send();
  expect(response.status).toBeLessThan(500);
  expect(setsSessionCookie(response)).toBe(false);
  expect(client.sessionCookie).toBeUndefined();
  expect(await rowCounts(db)).toEqual(before);
  expect(await client.json("/api/auth/session")).toEqual({ status: 200, body: null });
  return response;
}

function postCredentials(client: HttpClient, form: Record<string, string>) {
  return client.fetch(CALLBACK, { method: "POST", form });
}

function postJson(client: HttpClient, body: string) {
  return client.fetch(CALLBACK, { method: "POST", body, headers: { "content-type": "application/json" } });
}

describe(`sign-in with bad credentials (${strategy})`, () => {
  it("a wrong password and an unknown email get the same answer and no cookie", async () => {
    const wrong = new HttpClient(baseUrl);
    const wrongResponse = await expectRejected(wrong, () => wrong.signIn(user.email, `${user.password}-wrong`));
    const unknown = new HttpClient(baseUrl);
    const unknownResponse = await expectRejected(unknown, () => unknown.signIn(uniqueEmail("nobody"), user.password));

    for (const response of [wrongResponse, unknownResponse]) {
      expect(response.status).toBe(302);
      expect(redirectTarget(response)).toBe("/login?error=CredentialsSignin&code=credentials");
    }
    const cookieNames = (r: Response) =>
      setCookies(r)
        .map((cookie) => cookie.name)
        .sort();
    expect(cookieNames(wrongResponse)).toEqual(cookieNames(unknownResponse));
    // The account still works with its real password.
    await signedInClient(user.email, user.password);
  });

  it.each([
    ["a 1 MB email", () => ({ email: `${"a".repeat(1024 * 1024)}@example.com`, password: "whatever-password" })],
    ["a 1 MB password", () => ({ email: DEMO.user.email, password: "p".repeat(1024 * 1024) })],
  ])("%s is refused", async (_label, fields) => {
    const client = new HttpClient(baseUrl);
    const csrfToken = await client.csrfToken();
    const response = await expectRejected(client, () =>
      postCredentials(client, { csrfToken, callbackUrl: "/dashboard", ...fields() }),
    );
    expect(redirectTarget(response)).toBe("/login?error=CredentialsSignin&code=credentials");
  });
});

describe(`malformed sign-in bodies (${strategy})`, () => {
  it.each([
    ["no email and no password", (csrfToken: string) => ({ csrfToken })],
    ["an empty email", (csrfToken: string) => ({ csrfToken, email: "", password: DEMO.user.password })],
    ["no password", (csrfToken: string) => ({ csrfToken, email: DEMO.user.email })],
  ])("a form with %s", async (_label, form) => {
    const client = new HttpClient(baseUrl);
    const csrfToken = await client.csrfToken();
    await expectRejected(client, () => postCredentials(client, form(csrfToken)));
  });

  it.each([
    [
      "arrays for the fields",
      (csrfToken: string) => JSON.stringify({ csrfToken, email: [DEMO.user.email], password: [DEMO.user.password] }),
    ],
    [
      "objects for the fields",
      (csrfToken: string) => JSON.stringify({ csrfToken, email: { $ne: "" }, password: { $gt: "" } }),
    ],
    ["numbers for the fields", (csrfToken: string) => JSON.stringify({ csrfToken, email: 1, password: 2 })],
    ["a top-level array", (csrfToken: string) => JSON.stringify([csrfToken, DEMO.user.email, DEMO.user.password])],
    ["broken JSON", (csrfToken: string) => `{"csrfToken":"${csrfToken}","email":`],
    ["null", () => "null"],
  ])("a JSON body with %s", async (_label, body) => {
    const client = new HttpClient(baseUrl);
    const csrfToken = await client.csrfToken();
    await expectRejected(client, () => postJson(client, body(csrfToken)));
  });

  it.each([
    ["text/plain", "hello"],
    ["multipart/form-data; boundary=x", "--x\r\nbroken"],
    ["application/x-www-form-urlencoded", "%%%&&&==="],
  ])("a %s body that is not a form", async (contentType, body) => {
    const client = new HttpClient(baseUrl);
    await client.csrfToken();
    await expectRejected(client, () =>
      client.fetch(CALLBACK, { method: "POST", body, headers: { "content-type": contentType } }),
    );
  });
});

describe(`CSRF protection (${strategy})`, () => {
  const otherClientsToken = () => new HttpClient(baseUrl).csrfToken();

  it.each([
    ["without a csrfToken", async () => ({})],
    ["with another client's csrfToken", async () => ({ csrfToken: await otherClientsToken() })],
    ["with a made-up csrfToken", async () => ({ csrfToken: "0".repeat(64) })],
  ])("sign-in %s is refused, even with the right password", async (_label, token) => {
    const client = new HttpClient(baseUrl);
    await client.csrfToken(); // the client has its own CSRF cookie, like a browser that loaded /login
    const form = {
      ...(await token()),
      email: DEMO.user.email,
      password: DEMO.user.password,
      callbackUrl: "/dashboard",
    };
    const response = await expectRejected(client, () => postCredentials(client, form));
    expect(redirectTarget(response)).toBe("/login?error=MissingCSRF");
  });

  it.each([
    ["without a csrfToken", async () => ({})],
    ["with another client's csrfToken", async () => ({ csrfToken: await otherClientsToken() })],
  ])("sign-out %s does not sign out", async (_label, token) => {
    const client = await signedInClient(user.email, user.password);
    const cookie = client.sessionCookie;
    const before = await rowCounts(db);

    const response = await client.fetch("/api/auth/signout", { method: "POST", form: await token() });
    expect(response.status).toBeLessThan(500);
    expect(redirectTarget(response)).toBe("/login?error=MissingCSRF");
    expect(client.sessionCookie).toBe(cookie);
    expect(await rowCounts(db)).toEqual(before);
    expect((await client.json("/api/me")).status).toBe(200);
  });
});

describe(`invalid session cookies (${strategy})`, () => {
  let realCookie: string;
  beforeAll(async () => {
    realCookie = (await signedInClient(user.email, user.password)).sessionCookie!;
  });

  /** Changes one character in the middle, to a different base64url character. */
  const tamper = (value: string) => {
    const i = Math.floor(value.length / 2);
    return value.slice(0, i) + (value[i] === "A" ? "B" : "A") + value.slice(i + 1);
  };
  /** A JWE made with the server's real secret, as a JWT-mode server would issue it, but without a session record. */
  const forgedJwt = () =>
    encode({
      token: { sub: user.id, email: user.email, name: "Mallory", role: "admin", permissions: ["users:read"] },
      secret: E2E_SECRET,
      salt: SESSION_COOKIE,
    });

  it.each([
    ["garbage", () => "garbage"],
    ["truncated", () => realCookie.slice(0, -5)],
    ["tampered", () => tamper(realCookie)],
    ["oversized (5 KB)", () => "A".repeat(5 * 1024)],
    ["oversized real cookie (5 KB)", () => realCookie + "A".repeat(5 * 1024 - realCookie.length)],
    ["a well-formed token with no session", () => generateToken()],
    ["a JWE signed with the server's secret but never issued", forgedJwt],
    ["dots only", () => "...."],
  ])("a %s cookie is treated as signed out", async (_label, value) => {
    const client = new HttpClient(baseUrl);
    client.cookies.set(SESSION_COOKIE, await value());
    const session = await client.fetch("/api/auth/session");
    expect(session.status).toBe(200);
    expect([null, {}]).toContainEqual(await session.json());
    expect(clearsSessionCookie(session)).toBe(true); // the browser drops the bad cookie
    expect((await client.json("/api/me")).status).toBe(401);
    const page = await client.fetch("/dashboard");
    expect(page.status).toBe(307);
    expect(redirectTarget(page)).toBe("/login?callbackUrl=%2Fdashboard");
  });

  it("the real cookie still works after all that", async () => {
    const client = new HttpClient(baseUrl);
    client.cookies.set(SESSION_COOKIE, realCookie);
    expect((await client.json("/api/me")).status).toBe(200);
  });
});
