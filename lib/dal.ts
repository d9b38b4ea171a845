import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import type { Session } from "next-auth";
import { auth } from "@/auth";
import { currentSessionCookie } from "./auth/session-cookie";
import { checkDatabase } from "./health";
import { hasPermission, type Permission } from "./permissions";

// The data-access layer: the only place pages, server actions and route handlers get the current user.
// proxy.ts only redirects visitors without a cookie; every real decision is made here.

/** The current session, verified once per request (database lookup or JWT decryption), or null. */
export const verifySession = cache(async (): Promise<Session | null> => {
  const session = await auth();
  return session?.user?.id ? session : null;
});

/** A signed-in visitor cannot be served because the database does not answer (shown by app/error.tsx). */
export class ServiceUnavailableError extends Error {
  constructor() {
    super("The database is unreachable, so the session cannot be verified.");
    this.name = "ServiceUnavailableError";
  }
}

/**
 * Auth.js turns a failed session lookup into "no session", which would send a signed-in user to /login
 * during a database outage. With a session cookie present, one cheap query tells an outage from a stale cookie.
 */
async function sessionHiddenByOutage(): Promise<boolean> {
  if (!(await currentSessionCookie())) return false;
  return !(await checkDatabase()).ok;
}

async function currentPath(): Promise<string> {
  const path = (await headers()).get("x-pathname");
  return path && path.startsWith("/") && !path.startsWith("//") ? path : "/dashboard";
}

export function loginUrl(callbackPath: string): string {
  return `/login?callbackUrl=${encodeURIComponent(callbackPath)}`;
}

/** For pages and server actions: the session, or a redirect to /login?callbackUrl=… */
export async function requireUser(): Promise<Session> {
  const session = await verifySession();
  if (!session) {
    if (await sessionHiddenByOutage()) throw new ServiceUnavailableError();
    redirect(loginUrl(await currentPath()));
  }
  return session;
}

/** For pages and server actions: the session if it has the permission, else the 403 page. */
export async function requirePermission(permission: Permission): Promise<Session> {
  const session = await requireUser();
  if (!hasPermission(session.user, permission)) forbidden();
  return session;
}

const noStore = { "Cache-Control": "no-store" };

export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: noStore });
}

/** For route handlers: the session, or a ready 401/403 JSON response. */
export async function authorizeRequest(
  permission?: Permission,
): Promise<{ session: Session; denied?: never } | { session?: never; denied: Response }> {
  const session = await verifySession();
  if (!session) {
    if (await sessionHiddenByOutage()) {
      return { denied: jsonResponse({ error: "unavailable", message: "The service is temporarily unavailable. Try again shortly." }, 503) };
    }
    return { denied: jsonResponse({ error: "unauthorized", message: "Sign in first." }, 401) };
  }
  if (permission && !hasPermission(session.user, permission)) {
    return { denied: jsonResponse({ error: "forbidden", message: `Missing permission ${permission}.` }, 403) };
  }
  return { session };
}
