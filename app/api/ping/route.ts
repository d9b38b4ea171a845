// No authentication and no database: the baseline that `npm run bench` compares authenticated routes with.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true, time: Date.now() });
}
