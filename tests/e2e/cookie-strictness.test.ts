import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAIN_SESSION_COOKIE, SECURE_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import type { Cookie } from "set-cookie-parser";
import { setCookies } from "../../harness/cookie-jar";
import { HttpClient } from "../../harness/http-client";
import { createTestUser, deleteTestUser, redirectTarget, type TestUser } from "./helpers";

// ASVS 3.3.3: the DAL accepts exactly the session cookie name Auth.js uses for the request, and nothing when that
// name is sent more than once. The server has no AUTH_URL and trusts the Host (AUTH_TRUST_HOST=true), as behind a
// TLS-terminating proxy: Auth.js then takes the protocol from X-Forwarded-Proto — "__Secure-authjs.session-token"
// on https, "authjs.session-token" on http — and the tests send that header as the proxy would.
const { baseUrl, strategy } = e2eTarget();
const db = e2eDb();

type Proto = "http" | "https";

let user: TestUser;
let overHttps: Cookie;
let overHttp: Cookie;

/** Signs in through Auth.js's credentials callback, every request carrying X-Forwarded-Proto; the session cookie it set. */
async function signInOver(proto: Proto): Promise<Cookie> {
  const client = new HttpClient(baseUrl);
  const headers = { "x-forwarded-proto": proto };
  const { csrfToken } = (await (await client.fetch("/api/auth/csrf", { headers })).json()) as { csrfToken: string };
  const form = { csrfToken, email: user.email, password: user.password, callbackUrl: "/dashboard" };
  const response = await client.fetch("/api/auth/callback/credentials", { method: "POST", headers, form });
  expect(response.status).toBe(302);
  expect(redirectTarget(response)).toMatch(/\/dashboard$/);
  const sessionCookies = setCookies(response).filter((cookie) => cookie.name.endsWith(PLAIN_SESSION_COOKIE));
  expect(sessionCookies).toHaveLength(1);
  return sessionCookies[0];
}

/** What the DAL makes of exactly this Cookie header: /api/me, a protected page, and the header of a public page. */
async function dalSees(cookie: string, proto: string) {
  const headers = { cookie, "x-forwarded-proto": proto };
  const me = await fetch(`${baseUrl}/api/me`, { headers, redirect: "manual" });
  const dashboard = await fetch(`${baseUrl}/dashboard`, { headers, redirect: "manual" });
  const home = await (await fetch(`${baseUrl}/`, { headers, redirect: "manual" })).text();
  const email = me.status === 200 ? ((await me.json()) as { user?: { email?: string } }).user?.email : undefined;
  return { me: me.status, email, dashboard: dashboard.status, homeShowsUser: home.includes(user.email) };
}
const SIGNED_OUT = { me: 401, email: undefined, dashboard: 307, homeShowsUser: false };
const signedIn = () => ({ me: 200, email: user.email, dashboard: 200, homeShowsUser: true });

/** What Auth.js itself reads from the header (/api/auth/session). */
async function authJsSees(cookie: string, proto: string): Promise<string | null> {
  const response = await fetch(`${baseUrl}/api/auth/session`, { headers: { cookie, "x-forwarded-proto": proto } });
  return ((await response.json()) as { user?: { email?: string } } | null)?.user?.email ?? null;
}

/** A value shaped like a real one (a database token, or a JWE of the same length) that belongs to no session. */
const garbageLike = (value: string) =>
  strategy === "database" ? randomBytes(32).toString("base64url") : `${value.slice(0, -8)}AAAAAAAA`;

beforeAll(async () => {
  user = await createTestUser(db, "cookie-strict");
  overHttps = await signInOver("https");
  overHttp = await signInOver("http");
});
afterAll(async () => {
  if (user) await deleteTestUser(db, user);
  await db.$disconnect();
});

describe(`one session cookie name per request (${strategy})`, () => {
  it("ASVS 3.3.3 x-forwarded-proto: https — Auth.js issues __Secure-authjs.session-token (Secure), and the DAL accepts exactly that", async () => {
    expect(overHttps.name).toBe(SECURE_SESSION_COOKIE);
    expect(overHttps.secure).toBe(true);
    expect(overHttps.httpOnly).toBe(true);
    expect(await dalSees(`${SECURE_SESSION_COOKIE}=${overHttps.value}`, "https")).toEqual(signedIn());
    expect(await authJsSees(`${SECURE_SESSION_COOKIE}=${overHttps.value}`, "https")).toBe(user.email);
  });

  it("ASVS 3.3.3 x-forwarded-proto: https — a session under the plain name is refused, as Auth.js refuses it", async () => {
    // A cookie Auth.js issued under the plain name (over http), and the https session's value, planted under the plain name.
    for (const value of [overHttp.value, overHttps.value]) {
      expect(await dalSees(`${PLAIN_SESSION_COOKIE}=${value}`, "https")).toEqual(SIGNED_OUT);
      expect(await authJsSees(`${PLAIN_SESSION_COOKIE}=${value}`, "https")).toBeNull();
    }
  });

  it("ASVS 3.3.3 x-forwarded-proto: http — the plain name works; a valid session sent as __Secure- is ignored by /api/me and pages", async () => {
    expect(overHttp.name).toBe(PLAIN_SESSION_COOKIE);
    expect(overHttp.secure).toBeFalsy();
    expect(await dalSees(`${PLAIN_SESSION_COOKIE}=${overHttp.value}`, "http")).toEqual(signedIn());
    expect(await dalSees(`${SECURE_SESSION_COOKIE}=${overHttps.value}`, "http")).toEqual(SIGNED_OUT);
    expect(await authJsSees(`${SECURE_SESSION_COOKIE}=${overHttps.value}`, "http")).toBeNull();
  });

  it("refuses every session when the proxy's header is one Auth.js's entry points read differently (HTTPS in capitals)", async () => {
    expect(await dalSees(`${PLAIN_SESSION_COOKIE}=${overHttp.value}`, "HTTPS")).toEqual(SIGNED_OUT);
    expect(await dalSees(`${SECURE_SESSION_COOKIE}=${overHttps.value}`, "HTTPS")).toEqual(SIGNED_OUT);
  });

  describe.each([
    ["http", () => ({ name: PLAIN_SESSION_COOKIE, value: overHttp.value })],
    ["https", () => ({ name: SECURE_SESSION_COOKIE, value: overHttps.value })],
  ] as const)("x-forwarded-proto: %s, the right name sent twice", (proto, session) => {
    it("valid + garbage and garbage + valid: signed out on /api/me and the pages (Auth.js would read the first, Next.js the last)", async () => {
      const { name, value } = session();
      const garbage = garbageLike(value);
      expect(await dalSees(`${name}=${value}`, proto)).toEqual(signedIn()); // the same header with one cookie works
      expect(await dalSees(`${name}=${value}; ${name}=${garbage}`, proto)).toEqual(SIGNED_OUT);
      expect(await dalSees(`${name}=${garbage}; ${name}=${value}`, proto)).toEqual(SIGNED_OUT);
      expect(await dalSees(`${name}=${value}; other=1; ${name}=${value}`, proto)).toEqual(SIGNED_OUT);
      // Auth.js does take the first one: the refusal is the DAL's own, not a consequence of the garbage.
      expect(await authJsSees(`${name}=${value}; ${name}=${garbage}`, proto)).toBe(user.email);
    });

    it("a session split into .0/.1 chunks is read; a chunk sent twice, or chunks next to the whole cookie, are refused", async () => {
      const { name, value } = session();
      const [head, tail] = [value.slice(0, 20), value.slice(20)];
      expect(await dalSees(`${name}.1=${tail}; ${name}.0=${head}`, proto)).toEqual(signedIn());
      expect(await dalSees(`${name}.0=${head}; ${name}.1=${tail}; ${name}.0=${head}`, proto)).toEqual(SIGNED_OUT);
      expect(await dalSees(`${name}.0=${head}; ${name}.1=${tail}; ${name}=${value}`, proto)).toEqual(SIGNED_OUT);
    });
  });
});
