import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { isCleared, setCookies } from "../../harness/cookie-jar";
import { HttpClient } from "../../harness/http-client";
import { serverEnv, startServer, type RunningServer } from "../../harness/server";
import { PLAIN_SESSION_COOKIE } from "../../lib/auth/session-cookie";
import type { Db } from "../../lib/db";
import { e2eTarget } from "../support/e2e-env";
import { createUser } from "../support/users";

// Shared steps for the e2e files. The e2e database is shared by every file of one run, so tests work on
// throwaway users with unique emails and put back anything they change on the demo users.

export const SESSION_COOKIE = PLAIN_SESSION_COOKIE;
export const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const BCRYPT_HASH = /\$2[aby]\$/;

export function uniqueEmail(label: string): string {
  return `e2e-${label}-${randomBytes(4).toString("hex")}@example.com`;
}

export type TestUser = { id: string; email: string; password: string };

/** A user created straight in the database, with a random password (bcrypt cost 4, like the e2e server). */
export async function createTestUser(db: Db, label: string, role = "user"): Promise<TestUser> {
  const email = uniqueEmail(label);
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const { id } = await createUser(db, { email, password, role, name: `E2E ${label}` });
  return { id, email, password };
}

export async function deleteTestUser(db: Db, user: TestUser): Promise<void> {
  await db.user.deleteMany({ where: { id: user.id } }); // sessions go with it (ON DELETE CASCADE)
}

/** Where a redirect points, as path + query when it stays on the app's origin (Location may be absolute). */
export function redirectTarget(response: Response): string | null {
  const location = response.headers.get("location");
  if (!location) return null;
  const { baseUrl } = e2eTarget();
  const url = new URL(location, baseUrl);
  return url.origin === new URL(baseUrl).origin ? url.pathname + url.search : url.href;
}

/** A new client signed in through the real credentials callback; fails the test when the sign-in did not succeed. */
export async function signedInClient(email: string, password: string): Promise<HttpClient> {
  const client = new HttpClient(e2eTarget().baseUrl);
  const response = await client.signIn(email, password);
  expect(response.status).toBe(302);
  expect(redirectTarget(response)).toBe("/dashboard");
  expect(client.sessionCookie).toBeTruthy();
  return client;
}

/** True when the response tells the browser to delete the session cookie. */
export function clearsSessionCookie(response: Response): boolean {
  return setCookies(response).some((cookie) => cookie.name === SESSION_COOKIE && isCleared(cookie));
}

/** True when the response hands out a session cookie with a value. */
export function setsSessionCookie(response: Response): boolean {
  return setCookies(response).some((cookie) => cookie.name === SESSION_COOKIE && !isCleared(cookie));
}

/** Row counts that bad input must leave unchanged. */
export async function rowCounts(db: Db) {
  const [users, sessions] = await Promise.all([db.user.count(), db.session.count()]);
  return { users, sessions };
}

/** Session rows of one user, whichever strategy made them, oldest first. */
export async function sessionRowsOf(db: Db, userId: string) {
  return db.session.findMany({ where: { userId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until a JWT signed in (or re-checked) before this call is due for its database re-check.
 * claimsCheckedAt is stored in whole seconds, so one extra second covers the rounding.
 */
export function waitPastJwtRecheck(): Promise<void> {
  return sleep((e2eTarget().recheckSeconds + 1) * 1000);
}

/**
 * Runs `attempt` until one run finishes within the JWT recheck window measured from its own start, and returns
 * that run's result. Only then does an "old claims are still served" assertion prove anything; on a slow
 * machine the run is repeated instead of failing for the wrong reason. Rounding to whole seconds costs one second.
 */
export async function withinJwtRecheckWindow<T>(attempt: () => Promise<T>, tries = 3): Promise<T> {
  const budgetMs = (e2eTarget().recheckSeconds - 1) * 1000;
  for (let i = 0; i < tries; i++) {
    const started = Date.now();
    const result = await attempt();
    if (Date.now() - started < budgetMs) return result;
  }
  throw new Error(`No attempt finished within ${budgetMs} ms: the machine is too slow for this check`);
}

// A change announced by the database arrives within ms: e2e files wait for it with `eventually`.
export { eventually } from "../../harness/eventually";

/**
 * The environment of a server of a file's own: the run's database, strategy and JWT re-check window, with
 * `settings` on top (limits and lifetimes the shared e2e server sets generously, since every file signs in from
 * one address).
 */
export function ownServerEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const { databaseUrl, strategy, recheckSeconds } = e2eTarget();
  return serverEnv({
    DATABASE_URL: databaseUrl,
    AUTH_SESSION_STRATEGY: strategy,
    AUTH_JWT_RECHECK_SECONDS: String(recheckSeconds),
    ...settings,
  });
}

/** A server of a file's own (see ownServerEnv); the file stops it in its afterAll. */
export function startOwnServer(settings: Record<string, string>): Promise<RunningServer> {
  return startServer(ownServerEnv(settings));
}
