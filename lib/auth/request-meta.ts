import { clientIp } from "../client-ip";
import { getEnv } from "../env";

// Who is signing in, for the session list: user agent and client IP, read from the current request
// when there is one (route handler or server action) and null elsewhere (scripts, tests).
type RequestMeta = { userAgent: string | null; ip: string | null };

const USER_AGENT_MAX_LENGTH = 512;

export async function currentRequestMeta(): Promise<RequestMeta> {
  try {
    const { headers } = await import("next/headers");
    const h = await headers();
    return {
      userAgent: h.get("user-agent")?.slice(0, USER_AGENT_MAX_LENGTH) ?? null,
      ip: clientIp(h.get("x-forwarded-for"), getEnv().AUTH_TRUSTED_PROXY_HOPS),
    };
  } catch {
    return { userAgent: null, ip: null };
  }
}
