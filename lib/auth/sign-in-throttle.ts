import type { Db } from "../db";

// Brute-force protection (ASVS 6.3.1): failures are counted per account and per client IP in the database,
// so the limit holds across app instances. A locked key refuses sign-in before any password check.

export type ThrottleSettings = { maxFailures: number; windowSeconds: number; lockoutSeconds: number };

export const accountKey = (email: string) => `account:${email.toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;

/** Seconds until the earliest of these keys unlocks, or 0 when none is locked. */
export async function lockedForSeconds(db: Db, keys: string[], now = new Date()): Promise<number> {
  const rows = await db.signInThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: now } }, select: { lockedUntil: true } });
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil!.getTime()));
  return until ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/** Counts one failure for each key; a key reaching the limit within the window is locked. */
export async function recordFailure(db: Db, keys: string[], settings: ThrottleSettings, now = new Date()): Promise<void> {
  for (const key of keys) await recordKeyFailure(db, key, settings, now);
}

async function recordKeyFailure(db: Db, key: string, settings: ThrottleSettings, now: Date, retry = true): Promise<void> {
  let row;
  try {
    // Atomic increment: concurrent failures on several instances are all counted.
    row = await db.signInThrottle.upsert({
      where: { key },
      create: { key, failures: 1, windowStart: now },
      update: { failures: { increment: 1 } },
    });
  } catch (error) {
    // Two first failures raced to create the row: count this one as an increment.
    if (retry && (error as { code?: string }).code === "P2002") return recordKeyFailure(db, key, settings, now, false);
    throw error;
  }
  const windowOver = row.windowStart.getTime() <= now.getTime() - settings.windowSeconds * 1000;
  if (windowOver) {
    await db.signInThrottle.update({ where: { key }, data: { failures: 1, windowStart: now, lockedUntil: null } });
  } else if (row.failures >= settings.maxFailures) {
    await db.signInThrottle.update({ where: { key }, data: { lockedUntil: new Date(now.getTime() + settings.lockoutSeconds * 1000) } });
  }
}

/** A successful sign-in clears the account's counter (the IP's counter keeps counting other accounts). */
export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.signInThrottle.deleteMany({ where: { key } });
}

/** Removes counters whose window and lockout are both over (run by the cleanup script). */
export async function purgeStaleThrottles(db: Db, settings: ThrottleSettings, now = new Date()): Promise<number> {
  const { count } = await db.signInThrottle.deleteMany({
    where: {
      windowStart: { lt: new Date(now.getTime() - settings.windowSeconds * 1000) },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
  });
  return count;
}
