import { registrationLimit } from "@/lib/address-limits";
import { clientIp } from "@/lib/client-ip";
import { jsonResponse } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { linkOrigin } from "@/lib/link-origin";
import { REGISTER_BODY_MAX_BYTES } from "@/lib/registration";
import { signUp } from "@/lib/sign-up";
import { parseBody } from "@/lib/request-body";
import { isCrossOriginRequest } from "@/lib/same-origin";

// POST /api/register: the registration form as a JSON (or form) API. Same rules and messages as the page
// (lib/registration.ts); bad input of any shape or size is a 4xx, never a 5xx.
// 201 {id, email, mustConfirm: false}: created, may sign in now · 202 {email, mustConfirm: true}: confirmation
// required, check the inbox (the same answer whether or not the address had an account) · 400 {error, message,
// fieldErrors} · 403 cross-origin · 409 email taken (only without required confirmation) · 413 body too large · 415 ·
// 429 + Retry-After: too many sign-ups from this client address (AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS per hour) or
// emails to this address · 503 + Retry-After busy (no room in the password-hashing queue; nothing was counted) ·
// 503 mail_unavailable (the mail could not be sent; no account was made)

export async function POST(request: Request) {
  if (isCrossOriginRequest(request)) {
    return jsonResponse({ error: "cross_origin", message: "Cross-origin requests are not accepted." }, 403);
  }
  const body = await parseBody(request, REGISTER_BODY_MAX_BYTES);
  if (!body.ok) return jsonResponse({ error: body.error, message: body.message }, body.status);

  const env = getEnv();
  const ip = clientIp(request.headers.get("x-forwarded-for"), env.AUTH_TRUSTED_PROXY_HOPS);
  const result = await signUp(getDb(), env, body.fields, {
    addressLimit: registrationLimit(ip, env.AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS, env.AUTH_IPV6_PREFIX_BITS),
    origin: env.AUTH_EMAIL_VERIFICATION === "off" ? null : await linkOrigin(),
    ip,
  });
  if (result.status === "created")
    return jsonResponse({ id: result.userId, email: result.email, mustConfirm: false }, 201);
  if (result.status === "check_inbox") return jsonResponse({ email: result.email, mustConfirm: true }, 202);
  if (result.reason === "rate_limited" || result.reason === "busy") {
    const retryAfter = String(result.retryAfterSeconds);
    return jsonResponse(
      { error: result.reason, message: result.message, fieldErrors: {} },
      result.reason === "busy" ? 503 : 429,
      { "Retry-After": retryAfter },
    );
  }
  return jsonResponse(
    { error: result.reason, message: result.message, fieldErrors: result.fieldErrors ?? {} },
    result.reason === "duplicate" ? 409 : result.reason === "mail_unavailable" ? 503 : 400,
  );
}
