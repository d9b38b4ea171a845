import "server-only";
import { getEnv } from "./env";

// Where emailed links point. A link carries a secret, so a forged Host header must never put another site into a
// mail: AUTH_URL when set; otherwise the request's own host, but only where Auth.js trusts it as well
// (AUTH_TRUST_HOST=true behind a proxy that sets it, or outside production).

/** The origin (scheme://host[:port]) for links in mail sent while handling the current request, or null. */
export async function linkOrigin(): Promise<string | null> {
  const env = getEnv();
  if (env.AUTH_URL) return new URL(env.AUTH_URL).origin;
  const trusted = ["true", "1"].includes(process.env.AUTH_TRUST_HOST ?? "") || env.NODE_ENV !== "production";
  if (!trusted) return null;
  try {
    const { headers } = await import("next/headers");
    const h = await headers();
    const host = h.get("x-forwarded-host")?.split(",")[0]?.trim() || h.get("host");
    const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
    if (!host || (proto !== "http" && proto !== "https")) return null;
    const url = new URL(`${proto}://${host}`);
    // Anything beyond a plain host[:port] (userinfo, a path smuggled into the header) is refused.
    return url.host === host.toLowerCase() ? url.origin : null;
  } catch {
    return null; // not in a request (scripts, tests)
  }
}

/** An absolute link to `path` with `params`, or null when no trustworthy origin is known (see linkOrigin). */
export async function linkTo(path: string, params: Record<string, string>): Promise<string | null> {
  const origin = await linkOrigin();
  if (!origin) return null;
  const url = new URL(path, origin);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
