// Dummy origin to resolve against: only the path matters, and the real origin is not known here.
const BASE = new URL("http://app.invalid");

// C0 controls, DEL, C1 controls, and any Unicode whitespace (incl. NBSP, U+2028/2029, U+3000).
const UNSAFE_CHARS = /[\u0000-\u001F\u007F-\u009F]|\s/u;

/**
 * Only same-site relative paths are followed after sign-in; anything else goes to `fallback`.
 *
 * Why not a simple prefix check: browsers strip TAB/CR/LF from URLs and treat `\` as `/`, so
 * `/\t/evil.example` or `/\evil.example` become `//evil.example` (another host), and raw
 * non-ASCII or CR/LF in a Location header makes the response fail. So we refuse controls and
 * whitespace outright, let the WHATWG URL parser resolve the value the way a browser would, require
 * it to stay on the same origin, and return the parser's re-serialised (percent-encoded, ASCII-only)
 * path — refusing it if normalisation (e.g. `/.//evil.example`) produced a protocol-relative `//…`.
 */
export function safeCallbackPath(value: unknown, fallback = "/dashboard"): string {
  if (typeof value !== "string" || value.length > 2048) return fallback;
  if (!value.startsWith("/") || UNSAFE_CHARS.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE.origin) return fallback;
  const path = url.pathname + url.search + url.hash;
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}

/**
 * Auth.js `redirect` callback: a path, or a URL on the app's own origin, reduced to its safe path as above; anything
 * else goes to the origin's root (Auth.js's own fallback). Auth.js's default callback copies a "/…" value into the
 * Location header unchanged, and a control character there makes the answer a 500.
 */
export function sameOriginRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  let path: string | undefined = url;
  if (!url.startsWith("/")) {
    try {
      const parsed = new URL(url);
      path = parsed.origin === new URL(baseUrl).origin ? parsed.pathname + parsed.search + parsed.hash : undefined;
    } catch {
      path = undefined;
    }
  }
  return `${baseUrl}${safeCallbackPath(path, "/")}`;
}

/**
 * Whether Auth.js accepts this callback URL (from the query or its callback-url cookie) without answering 500: an
 * http(s) URL or a path, with no control characters or whitespace. Which origin it points to is the redirect
 * callback's business; a value failing this check is dropped before Auth.js sees it.
 */
export function isWellFormedCallbackUrl(value: string): boolean {
  if (value.length > 2048 || UNSAFE_CHARS.test(value)) return false;
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? BASE : undefined).protocol);
  } catch {
    return false;
  }
}
