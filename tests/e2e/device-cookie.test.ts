import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { DEMO, e2eDb, e2eTarget } from "../support/e2e-env";
import { setCookies } from "../../harness/cookie-jar";
import { HttpClient } from "../../harness/http-client";
import type { RunningServer } from "../../harness/server";
import { createTestUser, deleteTestUser, startOwnServer, type TestUser } from "./helpers";

// OWASP device cookies on a real server, through both ways of signing in: the login form's server action in
// Chromium, and Auth.js's own POST /api/auth/callback/credentials. This file starts its own server with a small
// lockout limit on the run's database, so the shared server's generous test limits do not apply.
const { strategy } = e2eTarget();
const MAX = 3;
const db = e2eDb();
let server: RunningServer;
const users: TestUser[] = [];

beforeAll(async () => {
  server = await startOwnServer({ AUTH_SIGNIN_MAX_FAILURES: String(MAX) });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  for (const user of users) await deleteTestUser(db, user);
  await db.$disconnect();
});

async function newUser(label: string) {
  const user = await createTestUser(db, `device-${label}`);
  users.push(user);
  return user;
}

type Outcome = "signed-in" | "refused" | "wrong";
function outcome(response: Response): Outcome {
  const location = response.headers.get("location") ?? "";
  if (location.endsWith("/dashboard")) return "signed-in";
  return location.includes("code=rate_limited") ? "refused" : "wrong";
}

/** A stranger without the owner's device cookie, from addresses of their own, until the account is locked. */
async function strangerLocks(email: string) {
  for (let i = 0; i <= MAX; i++) {
    const response = await new HttpClient(server.url).signIn(email, `guess-${i}`, "/dashboard", {
      "x-forwarded-for": `198.51.100.${i}`,
    });
    expect(response.status).toBe(302);
  }
  const stranger = new HttpClient(server.url);
  return outcome(await stranger.signIn(email, "still-guessing", "/dashboard", { "x-forwarded-for": "198.51.100.99" }));
}

describe(`device cookies (${strategy})`, () => {
  it("Auth.js's credentials endpoint gives a signed, HttpOnly device cookie; with it the owner signs in while a stranger holds the account locked", async () => {
    const owner = await newUser("route");
    const browser = new HttpClient(server.url);
    const first = await browser.signIn(owner.email, owner.password);
    expect(outcome(first)).toBe("signed-in");
    const issued = setCookies(first).find((cookie) => cookie.name === "authjs.device");
    expect(issued).toMatchObject({ httpOnly: true, path: "/" });
    expect(issued!.sameSite?.toLowerCase()).toBe("lax");
    expect(issued!.maxAge).toBeGreaterThanOrEqual(1_000_000);
    const device = browser.cookies.get("authjs.device")!;
    expect(device).toMatch(/^[\w-]{22}\.\d+\.[\w-]{43}$/);
    expect(device).not.toContain(owner.email.split("@")[0]); // names no account
    await browser.signOut();
    expect(browser.cookies.get("authjs.device")).toBe(device); // survives signing out

    expect(await strangerLocks(owner.email)).toBe("refused");
    expect(outcome(await new HttpClient(server.url).signIn(owner.email, owner.password))).toBe("refused");
    const again = await browser.signIn(owner.email, owner.password);
    expect(outcome(again)).toBe("signed-in");
    expect(browser.cookies.get("authjs.device")).not.toBe(device); // a new one at every sign-in
    expect((await browser.json("/api/me")).status).toBe(200);
  });

  it("the device cookie one account got does not help another account", async () => {
    const [owner, victim] = [await newUser("mine"), await newUser("theirs")];
    const browser = new HttpClient(server.url);
    expect(outcome(await browser.signIn(owner.email, owner.password))).toBe("signed-in");
    expect(await strangerLocks(victim.email)).toBe("refused");
    expect(outcome(await browser.signIn(victim.email, victim.password))).toBe("refused");
  });

  it("the login form (server action) in Chromium: the owner's browser keeps signing in during the lockout, a fresh browser is told to wait", async () => {
    const owner = await newUser("browser");
    const { context, close } = await launchBrowser();
    const logIn = async (page: Page) => {
      await page.goto(`${server.url}/login`);
      await page.fill('input[name="email"]', owner.email);
      await page.fill('input[name="password"]', owner.password);
      await page.locator("main form button[type=submit]").click();
    };
    try {
      const page = await context.newPage();
      await logIn(page);
      await page.waitForURL(`${server.url}/dashboard`);
      const device = (await context.cookies()).find((c) => c.name === "authjs.device");
      expect(device?.httpOnly).toBe(true);
      expect(device?.sameSite).toBe("Lax");
      await page.locator("header button", { hasText: "Sign out" }).click();
      await page.waitForURL(`${server.url}/`);

      expect(await strangerLocks(owner.email)).toBe("refused");
      await logIn(page);
      await page.waitForURL(`${server.url}/dashboard`);

      const fresh = await launchBrowser();
      try {
        const other = await fresh.context.newPage();
        await other.goto(`${server.url}/login`);
        await other.fill('input[name="email"]', owner.email);
        await other.fill('input[name="password"]', owner.password);
        await other.locator("main form button[type=submit]").click();
        await expect
          .poll(() => other.locator("main").innerText())
          .toMatch(/Too many sign-in attempts\. Please wait 15 minutes/);
        expect(new URL(other.url()).pathname).toBe("/login");
      } finally {
        await fresh.close();
      }
    } finally {
      await close();
    }
  }, 60_000);

  it("an admin sees the lockout on /admin and lifts it with Unlock", async () => {
    const owner = await newUser("admin-unlock");
    expect(await strangerLocks(owner.email)).toBe("refused");
    const { context, close } = await launchBrowser();
    try {
      const page = await context.newPage();
      // A search for the account keeps it on the first page however many users the e2e database holds.
      const admin = `/admin?q=${owner.email.split("@")[0]}`;
      await page.goto(`${server.url}/login?callbackUrl=${encodeURIComponent(admin)}`);
      await page.fill('input[name="email"]', DEMO.admin.email);
      await page.fill('input[name="password"]', DEMO.admin.password);
      await page.locator("main form button[type=submit]").click();
      await page.waitForURL(`${server.url}${admin}`);
      const row = page.locator(`tr[data-user-email="${owner.email}"]`);
      await expect.poll(() => row.innerText(), { timeout: 15_000 }).toContain("locked");
      await row.locator("button", { hasText: "Unlock" }).click();
      await expect.poll(() => row.innerText(), { timeout: 15_000 }).not.toContain("locked");
      expect(await row.locator("button", { hasText: "Unlock" }).count()).toBe(0);
    } finally {
      await close();
    }
    expect(await db.signInThrottle.count({ where: { key: `account:${owner.email}` } })).toBe(0);
    expect(outcome(await new HttpClient(server.url).signIn(owner.email, owner.password))).toBe("signed-in");
  }, 60_000);
});
