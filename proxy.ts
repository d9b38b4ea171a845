import { NextResponse, type NextRequest } from "next/server";
import { readSessionCookie, sessionCookieOf } from "@/lib/auth/session-cookie";
import { createSessionRenewer, renewedCookieOptions } from "@/lib/auth/strategy/renewal";
import { getEnv } from "@/lib/env";
import { loginUrl } from "@/lib/login-url";
import { createNonce, securityHeaders, servedOverHttps } from "@/lib/security-headers";
import { checkServerActionRequest, isServerActionRequest, refusalResponse } from "@/lib/server-action-guard";

// Runs before every page and every bodiless /api/auth request, in this order:
//   1. refuse malformed or foreign server-action posts with a 4xx (Next would answer many of them 500);
//   2. send visitors without a session cookie from protected pages to /login (an optimistic check only: whether a
//      cookie is valid, and what it allows, is decided by lib/dal.ts);
//   3. otherwise render, with the request's CSP nonce and path handed to Next, and renew the session cookie when
//      it is due (Server Components cannot set cookies, so a session used only through pages slides here);
// and every answer, whichever step gave it, carries the security headers.
const PROTECTED = ["/dashboard", "/admin", "/account"];

export async function proxy(request: NextRequest) {
  const headers = securityHeaders({
    nonce: createNonce(),
    https: servedOverHttps(request.headers, process.env.AUTH_URL),
    development: process.env.NODE_ENV === "development",
  });
  const response =
    (await refuseServerAction(request)) ??
    redirectToLogin(request) ??
    (await renewSession(request, render(request, headers)));
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

async function refuseServerAction(request: NextRequest): Promise<Response | null> {
  if (!isServerActionRequest(request)) return null;
  const refusal = await checkServerActionRequest(request);
  return refusal && refusalResponse(refusal);
}

function redirectToLogin(request: NextRequest): Response | null {
  const { pathname, search } = request.nextUrl;
  if (!PROTECTED.some((p) => pathname === p || pathname.startsWith(`${p}/`)) || readSessionCookie(request.cookies))
    return null;
  return NextResponse.redirect(new URL(loginUrl(pathname + search), request.nextUrl));
}

let renewer: ReturnType<typeof createSessionRenewer> | undefined;

async function renewSession(request: NextRequest, response: NextResponse): Promise<NextResponse> {
  // Auth.js's own routes set the session cookie themselves.
  if (request.nextUrl.pathname.startsWith("/api/")) return response;
  renewer ??= createSessionRenewer(getEnv());
  const renewed = await renewer(sessionCookieOf(request.headers));
  if (renewed) response.cookies.set(renewed.name, renewed.value, renewedCookieOptions(renewed));
  return response;
}

function render(request: NextRequest, security: Record<string, string>): NextResponse {
  const headers = new Headers(request.headers);
  // Next.js takes the nonce from the request's CSP and puts it on its own scripts and styles.
  headers.set("content-security-policy", security["content-security-policy"]);
  // Lets the DAL build /login?callbackUrl=… for the page being rendered.
  headers.set("x-pathname", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: [
    "/((?!api|_next/static|_next/image|favicon.ico).*)",
    // Auth.js's own pages (the sign-out confirmation) are HTML and need the nonce. The app's JSON routes get the
    // nonce-less headers from next.config.ts instead: running any proxy at all roughly doubles the server's CPU per
    // small API request. A request with a body that passes through a proxy is also buffered and cut off at 10 MB
    // by Next, which would defeat the routes' own body limits (a 50 MB post must stay a 413), so those skip it too.
    {
      source: "/api/auth/:path*",
      missing: [
        { type: "header", key: "content-length" },
        { type: "header", key: "transfer-encoding" },
      ],
    },
  ],
};
