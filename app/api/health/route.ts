import { checkDatabase } from "@/lib/health";
import { jsonResponse } from "@/lib/dal";

export const dynamic = "force-dynamic";

export async function GET() {
  const result = await checkDatabase();
  return result.ok
    ? jsonResponse({ ok: true, database: "up" })
    : jsonResponse({ ok: false, database: "down", error: result.error }, 503);
}
