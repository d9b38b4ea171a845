import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerFromUrl } from "../../lib/database-url";
import { launchBrowser } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import { serverEnv, startServer, type RunningServer } from "../../harness/server";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import { createUser } from "../support/users";
import { SESSION_COOKIE } from "./helpers";

// A database outage without stopping the PostgreSQL server other tests share: this file starts its own
// `next start` whose DATABASE_URL goes through a TCP proxy to the e2e database, then cuts and restores the proxy.
const { databaseUrl, strategy, recheckSeconds } = e2eTarget();
const isPostgres = providerFromUrl(databaseUrl) === "postgresql";
const db = e2eDb();

let proxy: TcpProxy;
let server: RunningServer;
const createdUserIds: string[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for any JWT to be due for its database re-check (claimsCheckedAt has whole-second precision). */
const waitPastJwtRecheck = () => sleep((recheckSeconds + 1) * 1000);

async function newUser(label: string) {
  const email = `e2e-outage-${label}-${randomBytes(4).toString("hex")}@example.com`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const { id } = await createUser(db, { email, password, name: `Outage ${label}` });
  createdUserIds.push(id);
  return { id, email, password };
}

async function signedIn(user: { email: string; password: string }): Promise<HttpClient> {
  const client = new HttpClient(server.url);
  const response = await client.signIn(user.email, user.password);
  expect(response.status).toBe(302);
  expect(client.sessionCookie).toBeTruthy();
  return client;
}

async function rowCounts() {
  const [users, sessions] = await Promise.all([db.user.count(), db.session.count()]);
  return { users, sessions };
}

/** What a stack trace or a leaked driver error would look like in a page. */
const LEAK = /\bat \S+ \(|\.tsx?:\d+:\d+|DriverAdapterError|PrismaClient|ECONNREFUSED|Connection terminated/;

afterAll(async () => {
  await server?.stop();
  await proxy?.close();
  if (createdUserIds.length) await db.user.deleteMany({ where: { id: { in: createdUserIds } } });
  await db.$disconnect();
});

describe.skipIf(!isPostgres)(
  `database outage and recovery (${strategy}; PostgreSQL only: SQLite is a file inside the server process, there is no connection to cut)`,
  () => {
    beforeAll(async () => {
      const target = new URL(databaseUrl);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      server = await startServer(
        serverEnv({
          DATABASE_URL: proxy.urlFor(databaseUrl),
          AUTH_SESSION_STRATEGY: strategy,
          AUTH_JWT_RECHECK_SECONDS: String(recheckSeconds),
        }),
      );
    });

    it("GET /api/health is 503 while the database is cut off and 200 again once it is back, without a restart", async () => {
      const health = () => new HttpClient(server.url).json("/api/health");
      const feed = { revocationFeed: expect.any(String), mail: { queued: 0, dropped: 0 } };
      expect(await health()).toEqual({ status: 200, body: { ok: true, database: "up", ...feed } });
      proxy.stop();
      try {
        expect(await health()).toEqual({
          status: 503,
          body: { ok: false, database: "down", error: "database unreachable", ...feed },
        });
      } finally {
        proxy.resume();
      }
      expect(await health()).toEqual({ status: 200, body: { ok: true, database: "up", ...feed } });
    });

    it("fails sign-ins and signed-in pages cleanly during the outage, and loses or resurrects no session after it", async () => {
      const keptUser = await newUser("kept");
      const kept = await signedIn(keptUser);
      const keptCookie = kept.sessionCookie;

      const leaverUser = await newUser("leaver");
      const leaver = await signedIn(leaverUser);
      const signedOutCookie = leaver.sessionCookie!;
      await leaver.signOut();
      if (strategy === "jwt") await waitPastJwtRecheck(); // until then a signed-out JWT still passes (stateless)
      const replay = new HttpClient(server.url);
      replay.cookies.set(SESSION_COOKIE, signedOutCookie);
      expect((await replay.json("/api/me")).status).toBe(401);

      const before = await rowCounts();
      const browser = await launchBrowser();
      proxy.stop();
      try {
        // Sign-in through the Auth.js endpoint: an error redirect to the login page, no cookie, no 5xx.
        const visitor = new HttpClient(server.url);
        const attempt = await visitor.signIn(keptUser.email, keptUser.password);
        expect(attempt.status).toBe(302);
        const location = new URL(attempt.headers.get("location")!, server.url);
        expect(location.pathname).toBe("/login");
        expect(location.searchParams.get("error")).toBeTruthy();
        expect(visitor.sessionCookie).toBeUndefined();
        const loginPage = await visitor.fetch(location.pathname + location.search);
        expect(loginPage.status).toBe(200);
        const loginHtml = await loginPage.text();
        expect(loginHtml).toContain("Sign-in is unavailable right now. Please try again shortly.");
        expect(loginHtml).not.toMatch(LEAK);

        // Sign-in through the login form (server action), in a real browser.
        const page = await browser.context.newPage();
        await page.goto(`${server.url}/login`);
        await page.getByLabel("Email").fill(keptUser.email);
        await page.getByLabel("Password").fill(keptUser.password);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByText("Sign-in is unavailable right now").waitFor();
        expect(new URL(page.url()).pathname).toBe("/login");

        // A signed-in visitor: JWT pages only need the database once the token is due for its re-check.
        if (strategy === "jwt") await waitPastJwtRecheck();
        const me = await kept.json("/api/me");
        expect(me).toEqual({ status: 503, body: { error: "unavailable", message: expect.any(String) } });
        const dashboard = await kept.fetch("/dashboard");
        expect(dashboard.status).toBeGreaterThanOrEqual(500);
        const dashboardHtml = await dashboard.text();
        expect(dashboardHtml).not.toMatch(LEAK);
        expect(kept.sessionCookie).toBe(keptCookie); // the cookie was not cleared

        await browser.context.addCookies([{ name: SESSION_COOKIE, value: keptCookie!, url: server.url }]);
        const protectedPage = await browser.context.newPage();
        await protectedPage.goto(`${server.url}/dashboard`);
        await protectedPage.getByText("Service unavailable").waitFor();
        expect(new URL(protectedPage.url()).pathname).toBe("/dashboard"); // not sent to /login
        expect(await protectedPage.content()).not.toMatch(LEAK);
      } finally {
        proxy.resume();
        await browser.close();
      }

      // Back by itself: no restart, the first request succeeds.
      expect((await new HttpClient(server.url).json("/api/health")).status).toBe(200);
      const meAfter = await kept.json<{ user: { id: string } }>("/api/me");
      expect(meAfter.status).toBe(200);
      expect(meAfter.body.user.id).toBe(keptUser.id);
      expect((await kept.fetch("/dashboard")).status).toBe(200);
      // The session signed out before the outage stays signed out.
      expect((await replay.json("/api/me")).status).toBe(401);
      expect(await rowCounts()).toEqual(before);
    });
  },
);
