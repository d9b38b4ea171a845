import { parseSetCookie, type Cookie } from "set-cookie-parser";
import { PLAIN_SESSION_COOKIE } from "../lib/auth/session-cookie";

// Set-Cookie as a browser reads it, for HTTP-level tests and the benchmark: parsed by set-cookie-parser, values
// kept exactly as sent (a session cookie is compared byte for byte).

/** Every cookie a response sets, parsed. */
export function setCookies(response: { headers: Headers }): Cookie[] {
  return parseSetCookie(response.headers.getSetCookie(), { decodeValues: false });
}

/** True when the cookie tells the browser to delete it (empty, Max-Age ≤ 0 or an Expires in the past). */
export function isCleared(cookie: Cookie, now = Date.now()): boolean {
  return (
    !cookie.value ||
    (cookie.maxAge !== undefined && cookie.maxAge <= 0) ||
    (cookie.expires !== undefined && cookie.expires.getTime() <= now)
  );
}

/** A cookie jar (name → value): stores what responses set, forgets what they clear. */
export class CookieJar extends Map<string, string> {
  store(response: { headers: Headers }): void {
    for (const cookie of setCookies(response)) {
      if (isCleared(cookie)) this.delete(cookie.name);
      else this.set(cookie.name, cookie.value);
    }
  }

  header(): string {
    return [...this].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** The session cookie over plain http (Auth.js's default name). */
  get session(): string | undefined {
    return this.get(PLAIN_SESSION_COOKIE);
  }
}
