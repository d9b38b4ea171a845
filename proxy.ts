import { NextResponse, type NextRequest } from "next/server";
import { readSessionCookie } from "@/lib/auth/session-cookie";

// Optimistic checks only: a visitor with no session cookie at all is sent to /login before rendering.
// Whether a cookie is valid, and what it allows, is decided by lib/dal.ts.
const PROTECTED = ["/dashboard", "/admin", "/account"];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const path = pathname + search;

  if (PROTECTED.some((p) => pathname === p || pathname.startsWith(`${p}/`)) && !readSessionCookie(request.cookies)) {
    const url = request.nextUrl.clone();
    url.pathname = "/login";
    url.search = `?callbackUrl=${encodeURIComponent(path)}`;
    return NextResponse.redirect(url);
  }

  // Lets the DAL build /login?callbackUrl=… for the page being rendered.
  const headers = new Headers(request.headers);
  headers.set("x-pathname", path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/((?!api|_next/static|_next/image|favicon.ico).*)"],
};
