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
