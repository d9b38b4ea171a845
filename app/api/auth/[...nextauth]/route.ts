import { NextRequest } from "next/server";
import { handlers } from "@/auth";
import { withoutCookies } from "@/lib/cookie-header";
import { jsonResponse } from "@/lib/dal";
import { passwordWorkRetryAfterSeconds } from "@/lib/password";
import { readBodyWithLimit } from "@/lib/request-body";
import { isWellFormedCallbackUrl } from "@/lib/safe-redirect";
import { signInBusyMessage } from "@/lib/sign-in-messages";

// Auth.js's handlers read the whole body before looking at it. Bodies are capped here first, so no request can
// make the server buffer more than this; the cap stays loose enough that oversized fields still get Auth.js's own
// "invalid credentials" answer.
const AUTH_BODY_MAX_BYTES = 16 * 1024 * 1024;

// Auth.js answers any request whose callbackUrl query parameter or callback-url cookie is not an http(s) URL or
// path with a 500 "server configuration" error, and a sibling subdomain can plant such a cookie. Malformed ones are
// dropped here, as if never sent; the redirect callback (lib/safe-redirect.ts) decides where well-formed ones lead.
function withWellFormedCallbackUrls(request: NextRequest, body?: Uint8Array<ArrayBuffer>): NextRequest {
  const url = new URL(request.url);
  const queried = url.searchParams.getAll("callbackUrl");
  if (!queried.every(isWellFormedCallbackUrl)) url.searchParams.delete("callbackUrl");
  const headers = new Headers(request.headers);
  const cookie = headers.get("cookie");
  if (cookie) {
    const kept = withoutCookies(
      cookie,
      ({ name, value }) => name.endsWith("authjs.callback-url") && !isWellFormedCallbackUrl(value),
    );
    if (kept.trim()) headers.set("cookie", kept);
    else headers.delete("cookie");
  }
  return new NextRequest(url, { method: request.method, headers, body });
}

export async function GET(request: NextRequest): Promise<Response> {
  return handlers.GET(withWellFormedCallbackUrls(request));
}

export async function POST(request: NextRequest): Promise<Response> {
  const body = await readBodyWithLimit(request, AUTH_BODY_MAX_BYTES);
  if (!body)
    return jsonResponse(
      { error: "too_large", message: `The request body must be at most ${AUTH_BODY_MAX_BYTES} bytes.` },
      413,
    );
  const response = await handlers.POST(withWellFormedCallbackUrls(request, body));
  // A full password-hashing queue is a temporary refusal, not a wrong password: say so with 503 and Retry-After.
  const location = response.headers.get("location") ?? "";
  if (location.includes("code=busy")) {
    const retryAfterSeconds = passwordWorkRetryAfterSeconds();
    return jsonResponse({ error: "busy", message: signInBusyMessage(retryAfterSeconds) }, 503, {
      "Retry-After": String(retryAfterSeconds),
    });
  }
  return response;
}
