import { answeredRequestStats } from "@/lib/answered-requests";
import { sessionStrategy } from "@/lib/auth/strategy";
import { checkDatabase } from "@/lib/health";
import { jsonResponse } from "@/lib/dal";

export const dynamic = "force-dynamic";

export async function GET() {
  const result = await checkDatabase();
  // "degraded": revocations still apply, within AUTH_JWT_RECHECK_SECONDS instead of on the next request.
  const revocationFeed = sessionStrategy().changeFeed();
  // Forgot-password and resend-confirmation requests answered and not yet looked up, and those dropped.
  const mail = answeredRequestStats();
  return result.ok
    ? jsonResponse({ ok: true, database: "up", revocationFeed, mail })
    : jsonResponse({ ok: false, database: "down", error: result.error, revocationFeed, mail }, 503);
}
