import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import type { Session } from "next-auth";
import { currentSessionCookie } from "./auth/session-cookie";
import { sessionStrategy, type VerifiedSession } from "./auth/strategy";
import { createSessionRenewer, markSessionLive, renewedCookieOptions } from "./auth/strategy/renewal";
import { toClientSession, type ClientSession } from "./client-session";
import { getEnv } from "./env";
import { loginUrl } from "./login-url";
import { hasPermission, type Permission } from "./permissions";

// The data-access layer: the only place pages, server actions and route handlers get the current user.
// proxy.ts only redirects visitors without a cookie; every real decision is made here.

// Read once per request: the check and a route handler's renewal look at the same cookie.
const sessionCookie = cache(currentSessionCookie);

/**
 * The request's session check, run once per request: the session, null (signed out: no, invalid, expired or
 * revoked cookie), or "unavailable" when the database did not answer. Auth.js's auth() would turn a database
 * error into "no session" and send a signed-in user to /login during an outage; this keeps them apart.
 */
const checkSession = cache(async (): Promise<VerifiedSession | null | "unavailable"> => {
  try {
    const cookie = await sessionCookie();
    const result = await sessionStrategy().verify(cookie);
    if (result && cookie) markSessionLive(cookie.value); // proxy.ts may renew this cookie on later requests
    return result;
  } catch (error) {
    logCheckFailure(error);
    return "unavailable";
  }
});

function logCheckFailure(error: unknown) {
  console.error(`[auth] session check failed: ${(error as Error).message?.split("\n")[0]}`);
}

/**
 * For the browser's session provider (GET /api/session): the live session's claims, null when signed out, or
 * "unavailable". Polling is not user activity, so this never slides the session's idle expiry: a tab left open
 * must not keep a session alive past AUTH_SESSION_MAX_AGE (ASVS 7.3.1).
 */
export async function peekSession(): Promise<ClientSession | null | "unavailable"> {
  try {
    const result = await sessionStrategy().verify(await sessionCookie(), { slide: false });
    return toClientSession(result?.session ?? null);
  } catch (error) {
    logCheckFailure(error);
    return "unavailable";
  }
}

/** The current session (database lookup or JWT decryption, once per request), or null. Never throws. */
export const verifySession = cache(async (): Promise<Session | null> => {
  const result = await checkSession();
  return result && result !== "unavailable" ? result.session : null;
});

/** The id of the Session row this request's session is, or null. */
export const getCurrentSessionId = cache(async (): Promise<string | null> => {
  const result = await checkSession();
  return result && result !== "unavailable" ? result.sessionId : null;
});

/** A signed-in visitor cannot be served because the database does not answer (shown by app/error.tsx). */
class ServiceUnavailableError extends Error {
  constructor() {
    super("The database is unreachable, so the session cannot be verified.");
    this.name = "ServiceUnavailableError";
  }
}

async function currentPath(): Promise<string> {
  const path = (await headers()).get("x-pathname");
  return path && path.startsWith("/") && !path.startsWith("//") ? path : "/dashboard";
}

/** For pages and server actions: the session, or a redirect to /login?callbackUrl=… */
export async function requireUser(): Promise<Session> {
  const result = await checkSession();
  if (result === "unavailable") throw new ServiceUnavailableError();
  if (!result) redirect(loginUrl(await currentPath()));
  return result.session;
}

/** For pages and server actions: the session if it has the permission, else the 403 page. */
export async function requirePermission(permission: Permission): Promise<Session> {
  const session = await requireUser();
  if (!hasPermission(session.user, permission)) forbidden();
  return session;
}

const noStore = { "Cache-Control": "no-store" };

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...noStore, ...headers } });
}

let renewer: ReturnType<typeof createSessionRenewer> | undefined;

/** Route handlers can set cookies (pages cannot, proxy.ts renews theirs): a session used through the API slides too. */
async function renewSessionCookie(): Promise<void> {
  renewer ??= createSessionRenewer(getEnv());
  try {
    const renewed = await renewer(await sessionCookie());
    if (renewed) (await cookies()).set(renewed.name, renewed.value, renewedCookieOptions(renewed));
  } catch (error) {
    console.error(`[auth] session cookie renewal failed: ${(error as Error).message?.split("\n")[0]}`);
  }
}

/** For route handlers: the session, or a ready 401/403 JSON response. A used session's cookie is renewed when due. */
export async function authorizeRequest(
  permission?: Permission,
): Promise<{ session: Session; denied?: never } | { session?: never; denied: Response }> {
  const result = await checkSession();
  if (result === "unavailable") {
    return {
      denied: jsonResponse(
        { error: "unavailable", message: "The service is temporarily unavailable. Try again shortly." },
        503,
      ),
    };
  }
  if (!result) return { denied: jsonResponse({ error: "unauthorized", message: "Sign in first." }, 401) };
  const { session } = result;
  await renewSessionCookie();
  if (permission && !hasPermission(session.user, permission)) {
    return { denied: jsonResponse({ error: "forbidden", message: `Missing permission ${permission}.` }, 403) };
  }
  return { session };
}
