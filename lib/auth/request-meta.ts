// Who is signing in, for the session list: user agent and client IP, read from the current request
// when there is one (route handler or server action) and null elsewhere (scripts, tests).
export type RequestMeta = { userAgent: string | null; ip: string | null };

const MAX = 512;

export async function currentRequestMeta(): Promise<RequestMeta> {
  try {
    const { headers } = await import("next/headers");
    const h = await headers();
    const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip");
    return { userAgent: h.get("user-agent")?.slice(0, MAX) ?? null, ip: forwarded?.slice(0, 64) ?? null };
  } catch {
    return { userAgent: null, ip: null };
  }
}
