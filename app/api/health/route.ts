import { sessionStrategy } from "@/lib/auth/strategy";
import { checkDatabase } from "@/lib/health";
import { jsonResponse } from "@/lib/dal";

export const dynamic = "force-dynamic";

export async function GET() {
  const result = await checkDatabase();
  // "degraded": revocations still apply, within AUTH_JWT_RECHECK_SECONDS instead of on the next request.
  const revocationFeed = sessionStrategy().changeFeed();
  return result.ok
    ? jsonResponse({ ok: true, database: "up", revocationFeed })
    : jsonResponse({ ok: false, database: "down", error: result.error, revocationFeed }, 503);
}
