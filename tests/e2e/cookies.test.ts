import { decode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOST_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import { PERMISSIONS } from "../../lib/permissions";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { setCookies } from "../../harness/cookie-jar";
import { HttpClient } from "../../harness/http-client";
import { E2E_SECRET, freePort, serverEnv, startServer, type RunningServer } from "../../harness/server";
import { createUser } from "../support/users";
import {
  clearsSessionCookie,
  createTestUser,
  deleteTestUser,
  redirectTarget,
  rowCounts,
  SESSION_COOKIE,
  sessionRowsOf,
  signedInClient,
  type TestUser,
} from "./helpers";

// ASVS 5.0 V3.3 cookie attributes, V3.5 request forgery and V14.3.2 caching, over HTTP against the production
// server — plus a second server whose AUTH_URL is https, for the __Host- cookie.
const { baseUrl, databaseUrl, strategy, recheckSeconds } = e2eTarget();
const db = e2eDb();
let user: TestUser;
let admin: TestUser;

beforeAll(async () => {
  user = await createTestUser(db, "cookies");
  admin = await createTestUser(db, "cookies-admin", "admin");
});
afterAll(async () => {
  await deleteTestUser(db, user);
  await deleteTestUser(db, admin);
  await db.$disconnect();
});

/** Signs in through the real form post, keeping every Set-Cookie line the app sent on the way. */
async function signInCollectingCookies(client: HttpClient, email: string, password: string) {
  const csrf = await client.fetch("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await client.fetch("/api/auth/callback/credentials", {
    method: "POST",
    form: { csrfToken, email, password, callbackUrl: "/dashboard" },
  });
  expect(signIn.status).toBe(302);
  return { signIn, all: [...setCookies(csrf), ...setCookies(signIn)] };
}

describe(`session cookie attributes over http (${strategy})`, () => {
  it("ASVS 3.3.2/3.3.4 every cookie is HttpOnly and SameSite=Lax; the session cookie has Path=/ and no Domain", async () => {
    const client = new HttpClient(baseUrl);
    const { signIn, all } = await signInCollectingCookies(client, user.email, user.password);
    const session = setCookies(signIn).find((c) => c.name === SESSION_COOKIE);

    expect(session?.value).toBeTruthy();
    expect(session!.path).toBe("/");
    expect(session!.domain).toBeUndefined();
    for (const cookie of all) {
      expect(cookie.httpOnly, cookie.name).toBe(true);
      expect(cookie.sameSite?.toLowerCase(), cookie.name).toBe("lax");
    }
    // Plain http (local development and these tests): no Secure attribute and no prefix, or the browser would
    // drop the cookie. With an https AUTH_URL it is __Host- and Secure (next describe block).
    expect(session!.secure).toBeFalsy();
  });

  it("ASVS 3.3.4 the session token reaches the client only in Set-Cookie, never in a response body", async () => {
    const client = await signedInClient(user.email, user.password);
    const token = client.sessionCookie!;
    for (const path of ["/api/auth/session", "/api/me", "/dashboard", "/account", "/account/sessions"]) {
      const response = await client.fetch(path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).not.toContain(token);
    }
  });

  it("ASVS 3.3.5 with the longest email and name and every permission, the session cookie is one cookie under 4096 bytes", async () => {
    // 254 characters (the schema's limit) and 100 three-byte characters: the largest claims a user can have.
    const email = `${"l".repeat(64)}@${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(57)}.com`;
    expect(email).toHaveLength(254);
    const password = "a-long-claims-password";
    const { id } = await createUser(db, { email, password, role: "admin", name: "漢".repeat(100) });
    try {
      const { signIn } = await signInCollectingCookies(new HttpClient(baseUrl), email, password);
      const sessionCookies = setCookies(signIn).filter((c) => c.name.startsWith(SESSION_COOKIE));
      expect(sessionCookies.map((c) => c.name)).toEqual([SESSION_COOKIE]); // not split into .0, .1 chunks
      const { name, value } = sessionCookies[0];
      const size = Buffer.byteLength(`${name}=${value}`);
      console.log(`[cookies] ${strategy} session cookie: ${size} bytes (name + value) for the largest claims`);
      expect(size).toBeLessThanOrEqual(4096);

      if (strategy === "jwt") {
        // The claims really are in the cookie: all of the admin's permissions, the long email and name.
        const token = await decode({ token: value, secret: E2E_SECRET, salt: SESSION_COOKIE });
        expect(token).toMatchObject({ email, name: "漢".repeat(100), role: "admin" });
        expect([...(token!.permissions as string[])].sort()).toEqual(Object.values(PERMISSIONS).sort());
      }
    } finally {
      await db.user.delete({ where: { id } });
    }
  });
});

describe(`https deployment: AUTH_URL=https://… (${strategy})`, () => {
  let https: RunningServer;
  beforeAll(async () => {
    // Plain http underneath (no certificate needed): Auth.js picks cookie names and flags from AUTH_URL.
    const port = await freePort();
    const env = serverEnv({
      DATABASE_URL: databaseUrl,
      AUTH_SESSION_STRATEGY: strategy,
      AUTH_JWT_RECHECK_SECONDS: String(recheckSeconds),
      AUTH_URL: `https://localhost:${port}`,
    });
    https = await startServer(env, port);
  });
  afterAll(() => https?.stop());

  it("ASVS 3.3.1/3.3.3 the session cookie is __Host-authjs.session-token: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", async () => {
    const client = new HttpClient(https.url);
    const { signIn, all } = await signInCollectingCookies(client, user.email, user.password);
    const session = setCookies(signIn).find((c) => c.name === HOST_SESSION_COOKIE);

    expect(session?.value).toBeTruthy();
    expect(session!.secure).toBe(true);
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite?.toLowerCase()).toBe("lax");
    expect(session!.path).toBe("/");
    expect(session!.domain).toBeUndefined();
    expect(setCookies(signIn).some((c) => c.name === SESSION_COOKIE)).toBe(false);
    // Every other Auth.js cookie is Secure and prefixed too (CSRF token: __Host-, callback URL: __Secure-).
    for (const cookie of all) {
      expect(cookie.secure, cookie.name).toBe(true);
      expect(cookie.name, cookie.name).toMatch(/^__(Host|Secure)-/);
    }
    expect((await client.json("/api/me")).status).toBe(200); // the __Host- cookie is the one that is read
  });

  describe("a session token planted under the unprefixed name (a sibling host could set that cookie)", () => {
    let token: string;
    beforeAll(async () => {
      const client = new HttpClient(https.url);
      await signInCollectingCookies(client, user.email, user.password);
      token = client.cookies.get(HOST_SESSION_COOKIE)!;
      expect(token).toBeTruthy();
    });
    const planted = () => {
      const client = new HttpClient(https.url);
      client.cookies.set(SESSION_COOKIE, token);
      return client;
    };

    it("ASVS 3.3.3 is ignored by Auth.js (/api/auth/session)", async () => {
      expect((await planted().json("/api/auth/session")).body).toBeNull();
    });

    // KNOWN GAP in database mode: lib/auth/session-cookie.ts readSessionCookie() accepts every session cookie
    // name, and a database token means the same under any name, so the DAL signs the planted cookie in. Marked as
    // an expected failure until readSessionCookie() reads only the configured name; then drop `.fails`.
    // (JWT mode refuses it: the cookie name is the decryption salt.)
    it("ASVS 3.3.3 is ignored by the DAL (/api/me, pages)", async () => {
      expect((await planted().json("/api/me")).status).toBe(401);
      expect((await planted().fetch("/dashboard")).status).toBe(307);
    });
  });
});

describe(`caching of authenticated responses (${strategy})`, () => {
  it.each([
    "/api/me",
    "/api/auth/session",
    "/api/admin/users",
    "/dashboard",
    "/account",
    "/account/sessions",
    "/admin",
  ])("ASVS 14.3.2 %s is sent with Cache-Control: no-store", async (path) => {
    const client = await signedInClient(admin.email, admin.password);
    const response = await client.fetch(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toMatch(/\bno-store\b/);
  });
});

describe(`no state change without POST and same origin (${strategy})`, () => {
  it("ASVS 3.5.3 GET /api/auth/signout only shows a confirmation form; the session stays valid", async () => {
    const client = await signedInClient(user.email, user.password);
    const cookie = client.sessionCookie;
    const before = await sessionRowsOf(db, user.id);

    const response = await client.fetch("/api/auth/signout");
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<form[^>]*action="[^"]*\/api\/auth\/signout"[^>]*method="POST"/i);
    expect(clearsSessionCookie(response)).toBe(false);
    expect(client.sessionCookie).toBe(cookie);
    expect(await sessionRowsOf(db, user.id)).toEqual(before);
    expect((await client.json("/api/me")).status).toBe(200);
  });

  it("ASVS 3.5.3 GET /api/auth/callback/credentials with a correct email and password in the query signs nobody in", async () => {
    const client = new HttpClient(baseUrl);
    await client.csrfToken();
    const before = await rowCounts(db);
    const query = new URLSearchParams({ email: user.email, password: user.password, callbackUrl: "/dashboard" });
    const response = await client.fetch(`/api/auth/callback/credentials?${query}`);
    expect(response.status).toBeLessThan(500);
    expect(client.sessionCookie).toBeUndefined();
    expect(await rowCounts(db)).toEqual(before);
    expect((await client.json("/api/me")).status).toBe(401);
  });

  it("ASVS 3.5.1 a server action posted from a foreign Origin is refused and does not run (the same post from the app's origin does)", async () => {
    const victim = await createTestUser(db, "cookies-csrf");
    try {
      const client = await signedInClient(victim.email, victim.password);
      // The header's sign-out button is a server action; its id is in the page's progressive-enhancement form.
      const html = await (await client.fetch("/dashboard")).text();
      const actionId = /name="\$ACTION_ID_([0-9a-f]+)"\/><button[^>]*>Sign out<\/button>/.exec(html)?.[1];
      expect(actionId, "no server action id in /dashboard").toBeTruthy();
      const postAction = (origin: string) =>
        client.fetch("/dashboard", {
          method: "POST",
          headers: {
            "next-action": actionId!,
            origin,
            "content-type": "text/plain;charset=UTF-8",
            accept: "text/x-component",
          },
          body: "[]",
        });
      const records = async () => {
        return (await sessionRowsOf(db, victim.id)).length;
      };
      expect(await records()).toBe(1);

      const forged = await postAction("https://evil.example");
      // proxy.ts refuses it before Next decodes it (Next itself would answer 500); more in server-action-guard.test.ts.
      expect(forged.status).toBe(403);
      expect(clearsSessionCookie(forged)).toBe(false);
      expect(await records()).toBe(1);
      expect((await client.json("/api/me")).status).toBe(200);

      // Control: the identical request from the app's own origin runs the action and signs out.
      const genuine = await postAction(new URL(baseUrl).origin);
      expect(genuine.status).toBe(200);
      expect(clearsSessionCookie(genuine)).toBe(true);
      expect(await records()).toBe(0);
      expect(redirectTarget(genuine)).toBeNull(); // a fetch action redirects via x-action-redirect, not Location
    } finally {
      await deleteTestUser(db, victim);
    }
  });
});
