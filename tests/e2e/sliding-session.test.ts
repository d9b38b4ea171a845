import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import type { RunningServer } from "../../harness/server";
import { createTestUser, deleteTestUser, SESSION_COOKIE, startOwnServer, type TestUser } from "./helpers";

// Sliding idle timeout in a real browser, with small ages on a server of this file's own: a session used only
// through pages must outlive AUTH_SESSION_MAX_AGE while it is used (the browser would otherwise drop the cookie
// at its Max-Age), end after AUTH_SESSION_MAX_AGE of idleness, and end at the absolute lifetime however active.
const { strategy } = e2eTarget();
const MAX_AGE = 4;
const ABSOLUTE = 12;
const db = e2eDb();
let server: RunningServer;
const users: TestUser[] = [];

beforeAll(async () => {
  server = await startOwnServer({
    AUTH_JWT_RECHECK_SECONDS: "1",
    AUTH_SESSION_MAX_AGE: String(MAX_AGE),
    AUTH_SESSION_UPDATE_AGE: "1",
    AUTH_SESSION_ABSOLUTE_MAX_AGE: String(ABSOLUTE),
  });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  for (const user of users) await deleteTestUser(db, user);
  await db.$disconnect();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function signedInBrowser() {
  const user = await createTestUser(db, "sliding");
  users.push(user);
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill('input[name="email"]', user.email);
  await page.fill('input[name="password"]', user.password);
  await page.locator("main form button[type=submit]").click();
  await page.waitForURL(`${server.url}/dashboard`);
  const startedAt = Date.now();
  /** Opens /dashboard and says where the browser ended up. */
  const visit = async () => {
    await page.goto(`${server.url}/dashboard`);
    return new URL(page.url()).pathname;
  };
  const cookieExpiry = async () =>
    (await browser.context.cookies()).find((c) => c.name === SESSION_COOKIE)?.expires ?? null;
  /** GET /api/me from the open page (fetch, the browser's cookies, no navigation): its status. */
  const callApi = () => page.evaluate(async () => (await fetch("/api/me")).status);
  return { browser, visit, callApi, cookieExpiry, elapsed: () => (Date.now() - startedAt) / 1000 };
}

describe(`sliding session expiry (${strategy})`, () => {
  it("a session used only through pages slides past its idle timeout, then ends at the absolute lifetime", async () => {
    const { browser, visit, cookieExpiry, elapsed } = await signedInBrowser();
    try {
      const firstExpiry = await cookieExpiry();
      while (elapsed() < MAX_AGE * 2 + 1) {
        expect(await visit(), `signed out after ${elapsed().toFixed(1)} s of activity`).toBe("/dashboard");
        await sleep(700);
      }
      expect(await cookieExpiry()).toBeGreaterThan(firstExpiry! + MAX_AGE);
      while (elapsed() < ABSOLUTE + 1.5) {
        await sleep(700);
        await visit();
      }
      expect(await visit()).toBe("/login");
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("a session used only through the API (fetch from an open page) slides past its idle timeout too", async () => {
    const { browser, visit, callApi, cookieExpiry, elapsed } = await signedInBrowser();
    try {
      const firstExpiry = await cookieExpiry();
      while (elapsed() < MAX_AGE * 2 + 1) {
        expect(await callApi(), `signed out after ${elapsed().toFixed(1)} s of API use`).toBe(200);
        await sleep(700);
      }
      expect(await cookieExpiry()).toBeGreaterThan(firstExpiry! + MAX_AGE);
      expect(await visit()).toBe("/dashboard");
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("an idle session ends after the idle timeout", async () => {
    const { browser, visit } = await signedInBrowser();
    try {
      await sleep(1500);
      expect(await visit()).toBe("/dashboard");
      await sleep((MAX_AGE + 1.5) * 1000);
      expect(await visit()).toBe("/login");
    } finally {
      await browser.close();
    }
  }, 60_000);
});
