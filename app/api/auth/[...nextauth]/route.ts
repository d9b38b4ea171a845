import { NextRequest } from "next/server";
import { handlers } from "@/auth";
import { jsonResponse } from "@/lib/dal";
import { readBodyWithLimit } from "@/lib/request-body";

// Auth.js's handlers read the whole body before looking at it. Bodies are capped here first, so no request can
// make the server buffer more than this; the cap stays loose enough that oversized fields still get Auth.js's own
// "invalid credentials" answer.
const AUTH_BODY_MAX_BYTES = 16 * 1024 * 1024;

export const { GET } = handlers;

export async function POST(request: NextRequest): Promise<Response> {
  const body = await readBodyWithLimit(request, AUTH_BODY_MAX_BYTES);
  if (!body) return jsonResponse({ error: "too_large", message: `The request body must be at most ${AUTH_BODY_MAX_BYTES} bytes.` }, 413);
  const response = await handlers.POST(new NextRequest(request.url, { method: "POST", headers: request.headers, body }));
  // A full password-hashing queue is a temporary refusal, not a wrong password: say so with 503 and Retry-After.
  const location = response.headers.get("location") ?? "";
  if (location.includes("code=busy")) {
    const busy = jsonResponse({ error: "busy", message: "Sign-in is busy right now. Please try again in a few seconds." }, 503);
    busy.headers.set("Retry-After", "5");
    return busy;
  }
  return response;
}
