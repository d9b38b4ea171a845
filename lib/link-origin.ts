import "server-only";
import { getEnv } from "./env";
import { chooseLinkOrigin } from "./link-hosts";

// Where emailed links point, for the request being answered: lib/link-hosts.ts decides from the settings and the
// request's headers (AUTH_LINK_HOSTS, then AUTH_URL; the request's own host only outside production).

/** The origin (scheme://host[:port]) for links in mail sent while handling the current request, or null. */
export async function linkOrigin(): Promise<string | null> {
  return chooseLinkOrigin(getEnv(), await requestHeaders());
}

async function requestHeaders() {
  try {
    const { headers } = await import("next/headers");
    return await headers();
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
