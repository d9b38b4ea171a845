import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { cookieValues } from "../cookie-header";

// OWASP's device cookies ("Slow down online guessing attacks with device cookies"): a successful sign-in gives
// the browser a signed cookie for that account. Failed guesses from a browser holding a valid one count against
// that device only; guesses without one share the account's "untrusted" bucket. A stranger can lock the
// untrusted bucket, but not the owner's usual browser.
//
// The value is `nonce.issuedAt.signature`, the signature an HMAC of the account's email, its credential epoch,
// the nonce and the time, so the cookie names no account and is only valid for the one it was issued for, and
// only until the account's next security event (a password change or reset bumps the epoch: every device
// cookie issued before it, and the failure bucket it keyed, is worthless). It is stateless: the nonce is the
// device's throttle key.

export const DEVICE_COOKIE_MAX_AGE_SECONDS = 60 * 60 * 24 * 365;
const DEVICE_COOKIE = "authjs.device";
const HOST_DEVICE_COOKIE = "__Host-authjs.device";
const NONCE_SHAPE = /^[A-Za-z0-9_-]{22}$/;

type Settings = { secret: string | undefined; authUrl: string | undefined };

/** __Host- (Secure, Path=/, no Domain) when the app's public URL is https, like the session cookie. */
function deviceCookie(authUrl: string | undefined) {
  const secure = !!authUrl?.startsWith("https://");
  return {
    name: secure ? HOST_DEVICE_COOKIE : DEVICE_COOKIE,
    options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure, maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS },
  };
}

const keys = new Map<string, Buffer>();
function signingKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "", "starter device cookie", 32));
    keys.set(secret, key);
  }
  return key;
}

/** What a device cookie is bound to: the account's address and its credential epoch (User.credentialEpoch). */
export type DeviceAccount = { email: string; credentialEpoch: number };

function signature(secret: string, account: DeviceAccount, nonce: string, issuedAt: number): Buffer {
  const bound = `${account.email.toLowerCase()}\n${account.credentialEpoch}\n${nonce}\n${issuedAt}`;
  return createHmac("sha256", signingKey(secret)).update(bound).digest();
}

/** A new device cookie value for the account, or null without a secret (then there are no trusted devices). */
export function issueDeviceToken(secret: string | undefined, account: DeviceAccount, now = Date.now()): string | null {
  if (!secret) return null;
  const nonce = randomBytes(16).toString("base64url");
  const issuedAt = Math.floor(now / 1000);
  return `${nonce}.${issuedAt}.${signature(secret, account, nonce, issuedAt).toString("base64url")}`;
}

/**
 * The device's nonce when `value` is a device cookie this app issued for `account` at its current epoch and it
 * has not expired.
 */
export function verifyDeviceToken(
  secret: string | undefined,
  account: DeviceAccount,
  value: string | null | undefined,
  now = Date.now(),
): string | null {
  if (!secret || !value || value.length > 200) return null;
  const [nonce, issued, signed, extra] = value.split(".");
  if (extra !== undefined || !nonce || !NONCE_SHAPE.test(nonce) || !/^\d{1,12}$/.test(issued ?? "") || !signed)
    return null;
  const issuedAt = Number(issued);
  if (issuedAt * 1000 > now + 60_000 || (issuedAt + DEVICE_COOKIE_MAX_AGE_SECONDS) * 1000 <= now) return null;
  const expected = signature(secret, account, nonce, issuedAt);
  const given = Buffer.from(signed, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : null;
}

/**
 * The device cookie a request carries, read from the raw Cookie header. Sent twice (one of them planted), it
 * counts as absent: the attempt then falls into the untrusted bucket, which is never worse than no cookie.
 */
export function deviceTokenFromRequest(
  request: Request | undefined,
  settings: Pick<Settings, "authUrl">,
): string | null {
  const header = request?.headers.get("cookie");
  if (!header) return null;
  const values = cookieValues(header, deviceCookie(settings.authUrl).name);
  return values.length === 1 ? values[0] : null;
}

/** Gives the browser of the request being handled (server action or route handler) a new device cookie. */
export async function rememberDevice(settings: Settings, account: DeviceAccount): Promise<void> {
  const value = issueDeviceToken(settings.secret, account);
  if (!value) return;
  const { name, options } = deviceCookie(settings.authUrl);
  try {
    const { cookies } = await import("next/headers");
    (await cookies()).set(name, value, options);
  } catch {
    // outside a Next.js request (scripts, tests): there is no browser to remember
  }
}
