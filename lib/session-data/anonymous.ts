import type { Db } from "../db";
import type { SessionDataOwner } from "./owner";

// Copy-on-write for anonymous data: every anonymous write moves the browser's rows to a fresh random id, minted in
// that response, and writes there. Whoever else knows the old id — someone who planted it in this browser from
// their own client — finds nothing behind it from then on, so nothing this browser writes is ever stored under an
// id anyone else has seen.
//
// The move claims the old id first with a marker row (a reserved store name, kept MOVED_MARKER_SECONDS): of two
// requests that present the same id at once (two tabs), one moves the data and the other is told to retry instead
// of starting over from nothing and replacing the browser's cookie with an empty id.

/** The reserved store name of the marker that claims an anonymous id while, and shortly after, its data moves. */
export const MOVED_MARKER = "~moved";
/** How long a moved-away id answers "busy" rather than "unknown": longer than a request takes to reach the browser. */
export const MOVED_MARKER_SECONDS = 60;

/** "moved": the data now lives under the new id; "nothing": the old id had no live data; "busy": it is being moved. */
type MoveResult = "moved" | "nothing" | "busy";

const prismaCode = (error: unknown) => (error as { code?: unknown } | null)?.code;

const liveData = (owner: SessionDataOwner, now: Date) => ({
  key: owner.key,
  name: { not: MOVED_MARKER },
  expires: { gt: now },
});

/** Claims `from` for one move: creates its marker, or takes over one whose time is up. False when another holds it. */
async function claim(db: Db, from: SessionDataOwner, now: Date): Promise<boolean> {
  const until = new Date(now.getTime() + MOVED_MARKER_SECONDS * 1000);
  try {
    await db.sessionData.create({ data: { key: from.key, name: MOVED_MARKER, data: "{}", expires: until } });
    return true;
  } catch (error) {
    if (prismaCode(error) !== "P2002") throw error;
  }
  const { count } = await db.sessionData.updateMany({
    where: { key: from.key, name: MOVED_MARKER, expires: { lte: now } },
    data: { expires: until },
  });
  return count === 1;
}

/** Moves every live row of the anonymous owner `from` to the fresh owner `to`, in one statement. */
export async function moveAnonymousData(
  db: Db,
  from: SessionDataOwner,
  to: SessionDataOwner,
  now = new Date(),
): Promise<MoveResult> {
  const hasData = await db.sessionData.findFirst({ where: liveData(from, now), select: { name: true } });
  if (!hasData) {
    // Nothing to move: an unknown (or planted, empty) id, or one whose data another request has just moved away.
    const marker = await db.sessionData.findUnique({
      where: { key_name: { key: from.key, name: MOVED_MARKER } },
      select: { expires: true },
    });
    return marker?.expires && marker.expires > now ? "busy" : "nothing";
  }
  if (!(await claim(db, from, now))) return "busy";
  const { count } = await db.sessionData.updateMany({ where: liveData(from, now), data: { key: to.key } });
  return count > 0 ? "moved" : "nothing";
}

/** The anonymous owners among `owners` that have live data (not just a move marker). */
export async function ownersWithData(
  db: Db,
  owners: SessionDataOwner[],
  now = new Date(),
): Promise<SessionDataOwner[]> {
  const rows = await db.sessionData.findMany({
    where: { key: { in: owners.map((o) => o.key) }, name: { not: MOVED_MARKER }, expires: { gt: now } },
    select: { key: true },
  });
  const keys = new Set(rows.map((r) => r.key));
  return owners.filter((o) => keys.has(o.key));
}

/** Puts moved data back under `from` (its new cookie could not be set, so nothing was written) and lifts the claim. */
export async function undoMove(db: Db, from: SessionDataOwner, to: SessionDataOwner, now = new Date()): Promise<void> {
  // Expired rows stayed behind and would collide with the returning ones; they were unreadable anyway.
  await db.sessionData.deleteMany({ where: { key: from.key, name: { not: MOVED_MARKER }, expires: { lte: now } } });
  await db.sessionData.updateMany({ where: { key: to.key }, data: { key: from.key } });
  await db.sessionData.deleteMany({ where: { key: from.key, name: MOVED_MARKER } });
}
