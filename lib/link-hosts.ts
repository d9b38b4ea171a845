// Where an emailed link may point. A link carries a secret, so a forged Host or X-Forwarded-Host header must never
// put another site into a mail. Pure functions of the settings and the request's headers (lib/link-origin.ts reads
// those from Next); no "server-only", since lib/env.ts validates AUTH_LINK_HOSTS with them and scripts import it.

/** `scheme://host[:port]` of a URL that is nothing more (http or https; no user, path, query or fragment), else null. */
function plainOrigin(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password || url.pathname !== "/" || candidate.includes("?") || candidate.includes("#"))
    return null;
  // A wildcard would let any subdomain (one an attacker registers on a shared parent, say) choose a link's host.
  return url.hostname.includes("*") ? null : url.origin;
}

/**
 * AUTH_LINK_HOSTS as origins. A plain host (`app.example.com`, `app.example.com:8443`) means https; an entry with
 * its scheme (`http://localhost:3000`) keeps it, so the request never picks the scheme either. Null when an entry
 * is neither.
 */
export function parseLinkHosts(value: string): string[] | null {
  const origins: string[] = [];
  for (const entry of value.split(",").map((part) => part.trim())) {
    if (!entry) continue;
    const origin = plainOrigin(entry.includes("://") ? entry : `https://${entry}`);
    if (!origin) return null;
    origins.push(origin);
  }
  return origins;
}

export type LinkSettings = {
  NODE_ENV: "development" | "test" | "production";
  AUTH_URL?: string;
  /** Origins (parseLinkHosts). */
  AUTH_LINK_HOSTS: string[];
};

type RequestHeaders = { get(name: string): string | null };

const firstValue = (header: string | null) => header?.split(",")[0]?.trim() || null;

/** The host[:port] the request says it was sent to, when it is a plain one (lowercase, as URL writes it). */
function requestedHost(headers: RequestHeaders): string | null {
  const host = firstValue(headers.get("x-forwarded-host")) || headers.get("host")?.trim();
  if (!host) return null;
  const origin = plainOrigin(`http://${host}`);
  // Anything beyond a plain host[:port] (userinfo, a path smuggled into the header) is refused.
  return origin && new URL(origin).host === host.toLowerCase() ? host.toLowerCase() : null;
}

/**
 * The origin for links in mail sent while answering a request with these headers (null: outside a request), or
 * null when no trustworthy one is known:
 *   1. the request's host, when AUTH_LINK_HOSTS lists it (with the scheme the list gives it);
 *   2. else AUTH_URL;
 *   3. else, outside production only, the request's own host and scheme (a dev server on any port).
 * In production the request's headers thus only ever choose among the listed hosts.
 */
export function chooseLinkOrigin(settings: LinkSettings, headers: RequestHeaders | null): string | null {
  const host = headers ? requestedHost(headers) : null;
  const listed = host ? settings.AUTH_LINK_HOSTS.find((origin) => new URL(origin).host === host) : undefined;
  if (listed) return listed;
  if (settings.AUTH_URL) return new URL(settings.AUTH_URL).origin;
  if (settings.NODE_ENV === "production" || !headers || !host) return null;
  const proto = firstValue(headers.get("x-forwarded-proto")) || "http";
  return proto === "http" || proto === "https" ? new URL(`${proto}://${host}`).origin : null;
}
