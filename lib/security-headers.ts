// Response headers that tell the browser what a page may do (ASVS 3.4). proxy.ts sends them with a fresh CSP nonce on
// everything it handles; next.config.ts headers() sends the nonce-less set to what the proxy never sees (static assets,
// /api requests with a body). No imports: next.config.ts loads this file too.

type SecurityHeaderOptions = {
  /** Per-request nonce for the page's scripts and styles; Next.js reads it from the CSP and applies it to its own tags. */
  nonce: string;
  /** Served over https: adds HSTS and upgrade-insecure-requests (over plain http both would only break things). */
  https: boolean;
  /** `next dev`: React's dev tooling needs eval, and the dev overlay injects styles without a nonce. */
  development: boolean;
};

const HSTS = "max-age=31536000; includeSubDomains";

// Never "no-referrer": browsers then send `Origin: null` on same-origin form posts, and server actions refuse those.
const REFERRER_POLICY = "strict-origin-when-cross-origin";

// Passkeys (WebAuthn) stay available to the app itself; every other powerful feature is off. Only names Chromium
// knows: it logs an error for each unknown one (the e2e test fails on those).
const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "screen-wake-lock=()",
  "serial=()",
  "usb=()",
  "xr-spatial-tracking=()",
  "publickey-credentials-create=(self)",
  "publickey-credentials-get=(self)",
].join(", ");

/** Headers that are the same on every response. */
const COMMON_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": REFERRER_POLICY,
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": PERMISSIONS_POLICY,
};

// sonner (the toasts) appends a <style> at load without a nonce: empty, then its stylesheet (app/globals.css imports
// the same CSS). Exactly those two texts are allowed; tests/unit/sonner-style-hash.test.ts checks the hashes.
const SONNER_STYLE_HASHES = [
  "'sha256-StEaX+se6YS7pqjzrzMIA0KaX9zF/8zAhvQXZAe5epY='",
  "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
].join(" ");

/** The policy for rendered pages: only scripts carrying this request's nonce, and what they load, run. */
function contentSecurityPolicy({ nonce, https, development }: SecurityHeaderOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}' ${SONNER_STYLE_HASHES}`}`,
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/**
 * For responses the proxy does not see: scripts, styles, JSON, redirects. None of them is a page the app renders
 * with a nonce, so nothing may run in them (an HTML 404 for a POST to an unknown /api path shows unstyled).
 */
export const STATIC_CONTENT_SECURITY_POLICY =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Every security header for a response the proxy handles. */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(options),
    ...COMMON_HEADERS,
    ...(options.https ? { "strict-transport-security": HSTS } : {}),
  };
}

/**
 * For next.config.ts headers(), which are fixed at build time: the nonce-less set, and HSTS when a TLS-terminating
 * proxy says the request came over https (AUTH_URL is read at runtime, which only proxy.ts can do).
 */
export function staticSecurityHeaderRules() {
  const toList = (headers: Record<string, string>) => Object.entries(headers).map(([key, value]) => ({ key, value }));
  return [
    {
      source: "/:path*",
      headers: toList({ "content-security-policy": STATIC_CONTENT_SECURITY_POLICY, ...COMMON_HEADERS }),
    },
    {
      source: "/:path*",
      has: [{ type: "header" as const, key: "x-forwarded-proto", value: "https(?:\\s*,.*)?" }],
      headers: toList({ "strict-transport-security": HSTS }),
    },
  ];
}

/** 128 random bits, base64: the shape Next.js looks for in `'nonce-…'`. */
export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** True when the client reached the app over https: an https AUTH_URL, or the first proxy's X-Forwarded-Proto. */
export function servedOverHttps(headers: Headers, authUrl: string | undefined): boolean {
  if (authUrl?.startsWith("https://")) return true;
  return headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase() === "https";
}
