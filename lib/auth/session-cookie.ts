// Auth.js names its session cookie "authjs.session-token", with the "__Secure-" prefix when served over https.
// When AUTH_URL is https we use the stricter "__Host-" prefix (Secure, Path=/, no Domain: a sibling subdomain
// cannot set or overwrite it — ASVS 3.3.1). Large JWT cookies are split into ".0", ".1", … chunks.
export const HOST_SESSION_COOKIE = "__Host-authjs.session-token";
export const SESSION_COOKIE_NAMES = [HOST_SESSION_COOKIE, "__Secure-authjs.session-token", "authjs.session-token"] as const;

/** Auth.js `cookies` option: the __Host- session cookie when the app's public URL is https. */
export function sessionCookieConfig(authUrl: string | undefined) {
  if (!authUrl?.startsWith("https://")) return undefined; // Auth.js defaults (HttpOnly, SameSite=Lax, Path=/)
  return {
    sessionToken: { name: HOST_SESSION_COOKIE, options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure: true } },
  };
}

type CookieReader = { get(name: string): { value: string } | undefined };

/**
 * The cookie names this deployment accepts, like Auth.js: with an https AUTH_URL only the __Host- one, so a
 * cookie planted under a weaker name by a sibling subdomain is ignored (ASVS 3.3.3).
 */
export function acceptedSessionCookieNames(authUrl: string | undefined): readonly string[] {
  return authUrl?.startsWith("https://") ? [HOST_SESSION_COOKIE] : SESSION_COOKIE_NAMES.slice(1);
}

/** The session cookie's name and value (chunks joined), or null when there is none. */
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

/** The session cookie of the request being handled (route handler, server action or page), if any. */
export async function currentSessionCookie(): Promise<{ name: string; value: string } | null> {
  try {
    const { cookies } = await import("next/headers");
    return readSessionCookie(await cookies());
  } catch {
    return null; // outside a Next.js request (scripts, tests)
  }
}
