// CSRF defence for JSON/form route handlers (ASVS 3.5.1), mirroring Next's server-action check: a browser
// always sends Origin on a cross-site POST, so an Origin whose host is not the one the request was made to
// is refused. Requests without Origin (curl, server-to-server) carry no ambient browser credentials to abuse.

/** The host the client addressed: the first X-Forwarded-Host entry behind a proxy, else Host. */
function requestHost(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0].trim();
  return forwarded || headers.get("host");
}

export function isCrossOriginRequest(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host; // "null" (sandboxed pages, some redirects) does not parse: refused
  } catch {
    return true;
  }
  return originHost !== requestHost(request.headers);
}
