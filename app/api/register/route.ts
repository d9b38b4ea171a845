import { registrationLimit } from "@/lib/address-limits";
import { clientIp } from "@/lib/client-ip";
import { jsonResponse } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { REGISTER_BODY_MAX_BYTES, registerUser } from "@/lib/registration";
import { parseBody } from "@/lib/request-body";
import { isCrossOriginRequest } from "@/lib/same-origin";

// POST /api/register: the registration form as a JSON (or form) API. Same rules and messages as the page
// (lib/registration.ts); bad input of any shape or size is a 4xx, never a 5xx.
// 201 {id, email} · 400 {error, message, fieldErrors} · 403 cross-origin · 409 email taken · 413 body too large · 415
// · 429 + Retry-After: too many sign-ups from this client address (AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS per hour)
// · 503 busy (the password-hashing queue is full; retry)

export async function POST(request: Request) {
  if (isCrossOriginRequest(request)) {
    return jsonResponse({ error: "cross_origin", message: "Cross-origin requests are not accepted." }, 403);
  }
  const body = await parseBody(request, REGISTER_BODY_MAX_BYTES);
  if (!body.ok) return jsonResponse({ error: body.error, message: body.message }, body.status);

  const env = getEnv();
  const ip = clientIp(request.headers.get("x-forwarded-for"), env.AUTH_TRUSTED_PROXY_HOPS);
  const result = await registerUser(
    getDb(),
    body.fields,
    env.AUTH_BCRYPT_COST,
    registrationLimit(ip, env.AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS),
  );
  if (result.status === "created") return jsonResponse({ id: result.userId, email: result.email }, 201);
  if (result.reason === "rate_limited") {
    const retryAfter = String(result.retryAfterSeconds);
    return jsonResponse({ error: result.reason, message: result.message, fieldErrors: {} }, 429, {
      "Retry-After": retryAfter,
    });
  }
  return jsonResponse(
    { error: result.reason, message: result.message, fieldErrors: result.fieldErrors ?? {} },
    result.reason === "duplicate" ? 409 : result.reason === "busy" ? 503 : 400,
  );
}
