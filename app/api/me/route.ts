import { authorizeRequest, jsonResponse } from "@/lib/dal";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export async function GET() {
  const { session, denied } = await authorizeRequest();
  if (denied) return denied;
  return jsonResponse({ user: session.user, expires: session.expires, strategy: getEnv().AUTH_SESSION_STRATEGY });
}
