import { jsonResponse, peekSession } from "@/lib/dal";

export const dynamic = "force-dynamic";

/** The browser's session check (components/session-provider.tsx): { session } or 503. Display only. */
export async function GET() {
  const session = await peekSession();
  if (session === "unavailable")
    return jsonResponse({ error: "unavailable", message: "The service is temporarily unavailable." }, 503);
  return jsonResponse({ session });
}
