import { cookiePairs } from "../cookie-header";

// Auth.js names its session cookie "authjs.session-token", with the "__Secure-" prefix when served over https.
// When AUTH_URL is https we use the stricter "__Host-" prefix (Secure, Path=/, no Domain: a sibling subdomain
// cannot set or overwrite it — ASVS 3.3.1). Large JWT cookies are split into ".0", ".1", … chunks.
export const HOST_SESSION_COOKIE = "__Host-authjs.session-token";
export const SECURE_SESSION_COOKIE = "__Secure-authjs.session-token";
export const PLAIN_SESSION_COOKIE = "authjs.session-token";
export const SESSION_COOKIE_NAMES = [HOST_SESSION_COOKIE, SECURE_SESSION_COOKIE, PLAIN_SESSION_COOKIE] as const;

/** Auth.js `cookies` option: the __Host- session cookie when the app's public URL is https. */
export function sessionCookieConfig(authUrl: string | undefined) {
  if (!authUrl?.startsWith("https://")) return undefined; // Auth.js defaults (HttpOnly, SameSite=Lax, Path=/)
  return {
    sessionToken: {
      name: HOST_SESSION_COOKIE,
      options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure: true },
    },
  };
}

type CookieReader = { get(name: string): { value: string } | undefined };

/**
 * The cookie names this deployment may see, for proxy.ts's optimistic check only: with an https AUTH_URL only the
 * __Host- one. The DAL reads exactly one name per request (sessionCookieName, readExactSessionCookie).
 */
export function acceptedSessionCookieNames(authUrl: string | undefined): readonly string[] {
  return authUrl?.startsWith("https://") ? [HOST_SESSION_COOKIE] : SESSION_COOKIE_NAMES.slice(1);
}

/** The session cookie's name and value (chunks joined), or null when there is none. Loose: proxy.ts only. */
export function readSessionCookie(
  cookies: CookieReader,
  names: readonly string[] = acceptedSessionCookieNames(process.env.AUTH_URL),
): { name: string; value: string } | null {
  for (const name of names) {
    const whole = cookies.get(name)?.value;
    if (whole) return { name, value: whole };
    let value = "";
    for (let i = 0; ; i++) {
      const chunk = cookies.get(`${name}.${i}`)?.value;
      if (!chunk) break;
      value += chunk;
    }
    if (value) return { name, value };
  }
  return null;
}

/**
 * Whether Auth.js serves a request with this X-Forwarded-Proto as https (then its cookies are "__Secure-"), when
 * no AUTH_URL overrides the request's URL. Auth.js has two entry points that derive it differently: the
 * /api/auth/* route handler uses the request URL, whose protocol Next.js sets to https when the header contains
 * "https"; signIn()/signOut()/auth() in server code parse `${header}://host` (next-auth createActionURL). Where the
 * two disagree (e.g. "HTTPS", "https, http") there is no one name to mirror: null. Next.js fills the header in from
 * the socket before any app code runs, so a missing one means plain http (`next start` serves no TLS).
 */
export function forwardedProtoIsHttps(forwardedProto: string | null | undefined): boolean | null {
  if (forwardedProto === null || forwardedProto === undefined) return false;
  const routeHandler = forwardedProto.includes("https");
  let serverCode: boolean | null;
  try {
    serverCode =
      new URL(`${forwardedProto.endsWith(":") ? forwardedProto : `${forwardedProto}:`}//host`).protocol === "https:";
  } catch {
    serverCode = null; // Auth.js's server-side calls throw on this header
  }
  return routeHandler === serverCode ? routeHandler : null;
}

type SessionCookieRequest = {
  /** process.env.AUTH_URL (picks the __Host- name when https, and overrides the request's URL like NEXTAUTH_URL). */
  authUrl?: string;
  /** process.env.NEXTAUTH_URL, which next-auth still honours after AUTH_URL. */
  nextAuthUrl?: string;
  /** The request's X-Forwarded-Proto (AUTH_TRUST_HOST: the proxy's word on the protocol). */
  forwardedProto?: string | null;
};

/**
 * The one session cookie name Auth.js uses for this request: our __Host- name with an https AUTH_URL; otherwise
 * "__Secure-authjs.session-token" when the request is https as Auth.js sees it (the env URL's protocol, else the
 * forwarded one) and "authjs.session-token" when it is http; null when Auth.js itself cannot say.
 */
export function sessionCookieName({ authUrl, nextAuthUrl, forwardedProto }: SessionCookieRequest): string | null {
  if (sessionCookieConfig(authUrl)) return HOST_SESSION_COOKIE;
  const envUrl = authUrl ?? nextAuthUrl; // next-auth's own precedence (an empty AUTH_URL means "use the request")
  let https: boolean | null;
  if (envUrl) {
    try {
      https = new URL(envUrl).protocol === "https:";
    } catch {
      https = null; // Auth.js fails on this URL too
    }
  } else {
    https = forwardedProtoIsHttps(forwardedProto);
  }
  if (https === null) return null;
  return https ? SECURE_SESSION_COOKIE : PLAIN_SESSION_COOKIE;
}

/**
 * The session cookie under exactly `name` from a raw Cookie header, or null unless it is unambiguous. Auth.js
 * joins every cookie whose name starts with `name` (the whole cookie or its ".0", ".1", … chunks); this accepts
 * only the two shapes Auth.js itself writes — the whole cookie alone, or chunks .0 … .n-1 — each sent exactly
 * once and non-empty. A name sent twice (Auth.js reads the first, Next.js the last), a chunk sent twice, a gap or
 * a stray name with the same beginning means someone else set a cookie too: signed out, never a guess.
 */
export function readExactSessionCookie(
  cookieHeader: string | null | undefined,
  name: string,
): { name: string; value: string } | null {
  const sent = cookiePairs(cookieHeader).filter((pair) => pair.name.startsWith(name));
  if (sent.length === 0) return null;
  const values = new Map(sent.map((pair) => [pair.name, pair.value]));
  if (values.size !== sent.length) return null; // one name sent more than once
  const whole = values.get(name);
  if (sent.length === 1 && whole !== undefined) return whole ? { name, value: whole } : null;
  let value = "";
  for (let i = 0; i < sent.length; i++) {
    const chunk = values.get(`${name}.${i}`);
    if (!chunk) return null;
    value += chunk;
  }
  return { name, value };
}

type HeaderReader = { get(name: string): string | null };

/** The session cookie of a request, read exactly as the DAL reads it (one name, no duplicates), if any. */
export function sessionCookieOf(headers: HeaderReader): { name: string; value: string } | null {
  const name = sessionCookieName({
    authUrl: process.env.AUTH_URL,
    nextAuthUrl: process.env.NEXTAUTH_URL,
    forwardedProto: headers.get("x-forwarded-proto"),
  });
  return name ? readExactSessionCookie(headers.get("cookie"), name) : null;
}

/** The session cookie of the request being handled (route handler, server action or page), if any. */
export async function currentSessionCookie(): Promise<{ name: string; value: string } | null> {
  let request: HeaderReader;
  try {
    const { headers } = await import("next/headers");
    request = await headers();
  } catch {
    return null; // outside a Next.js request (scripts, tests)
  }
  return sessionCookieOf(request);
}
