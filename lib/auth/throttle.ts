import type { Db } from "../db";

// One throttle for every guessable secret (sign-in passwords, the current password on a password change).
// An attempt is reserved BEFORE the expensive check: the counter is incremented in one statement that returns
// the new count, so in-flight attempts are counted and at most `max` guesses per key and window are ever
// evaluated, however many arrive at once and on however many instances. Counters live in the database
// (SignInThrottle rows), so every instance shares them.

/**
 * Counter keys: a sign-in account, a client address, and a user's password-change current password. Keys for a
 * client address take its addressBucket() (lib/client-ip.ts), never the address as sent, so every address of one
 * IPv6 network and every spelling of one address share a counter.
 */
export const throttleKeys = {
  account: (email: string) => `account:${email.toLowerCase()}`,
  address: (bucket: string) => `ip:${bucket}`,
  passwordCheck: (userId: string) => `password-check:${userId}`,
  /** A browser holding a device cookie for the account (its failures count against that device only). */
  device: (email: string, nonce: string) => `device:${email.toLowerCase()}:${nonce}`,
  /** Sign-ups from a client address (lib/address-limits.ts). */
  registration: (bucket: string) => `register-ip:${bucket}`,
  /** New anonymous session-data ids minted for a client address (lib/address-limits.ts). */
  anonymousData: (bucket: string) => `anon-data-ip:${bucket}`,
  /** Emails with links sent to a mailbox, and asked for from a client address (lib/email-send-limits.ts). */
  emailTo: (email: string) => `email-to:${mailboxWithoutTag(email)}`,
  emailFrom: (bucket: string) => `email-ip:${bucket}`,
};

/**
 * alice+1@x.com and alice+2@x.com land in one inbox (subaddressing, offered by most providers), so a send limit
 * per address would let anyone flood that inbox by varying the tag: the limit counts the mailbox without it.
 */
function mailboxWithoutTag(email: string): string {
  const lower = email.toLowerCase();
  const at = lower.lastIndexOf("@");
  if (at < 0) return lower;
  const local = lower.slice(0, at);
  const plus = local.indexOf("+");
  return plus < 0 ? lower : `${local.slice(0, plus)}${lower.slice(at)}`;
}

export type Limit = { key: string; max: number; windowSeconds: number; lockoutSeconds: number };

export type Reservation = { ok: true } | { ok: false; retryAfterSeconds: number };

const prismaCode = (error: unknown) => (error as { code?: unknown } | null)?.code;

/** Starts a new window for a key whose window or lockout is over (a no-op otherwise, and for missing rows). */
async function resetIfOver(db: Db, limit: Limit, now: Date): Promise<void> {
  await db.signInThrottle.updateMany({
    where: {
      key: limit.key,
      OR: [
        { lockedUntil: { lte: now } },
        { lockedUntil: null, windowStart: { lte: new Date(now.getTime() - limit.windowSeconds * 1000) } },
      ],
    },
    data: { failures: 0, windowStart: now, lockedUntil: null },
  });
}

/** Increments the key's counter and returns the row after the increment (UPDATE … RETURNING, or the first INSERT). */
async function increment(db: Db, key: string, now: Date) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.signInThrottle.update({ where: { key }, data: { failures: { increment: 1 } } });
    } catch (error) {
      if (prismaCode(error) !== "P2025" || attempt > 2) throw error;
    }
    try {
      return await db.signInThrottle.create({ data: { key, failures: 1, windowStart: now } });
    } catch (error) {
      // Another request created the row first (or it was cleared and re-created): increment that one.
      if (prismaCode(error) !== "P2002") throw error;
    }
  }
}

async function reserveOne(db: Db, limit: Limit, now: Date): Promise<Reservation> {
  await resetIfOver(db, limit, now);
  const row = await increment(db, limit.key, now);
  if (row.lockedUntil && row.lockedUntil > now) {
    // A concurrent request with a later `now` may have set the lock: never report more than the lockout itself.
    const remaining = Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
    return { ok: false, retryAfterSeconds: Math.min(remaining, limit.lockoutSeconds) };
  }
  if (row.failures <= limit.max) return { ok: true };
  // Over the limit: lock the key (only the first refusal sets the time, so later ones do not extend it).
  const lockedUntil = new Date(now.getTime() + limit.lockoutSeconds * 1000);
  await db.signInThrottle.updateMany({ where: { key: limit.key, lockedUntil: null }, data: { lockedUntil } });
  return { ok: false, retryAfterSeconds: limit.lockoutSeconds };
}

/**
 * Reserves one attempt under every limit, or none: when one refuses, the reservations already made are given
 * back, so a refused attempt never counts against the other keys.
 */
export async function reserveAttempt(db: Db, limits: Limit[], now = new Date()): Promise<Reservation> {
  const reserved: string[] = [];
  for (const limit of limits) {
    const result = await reserveOne(db, limit, now);
    if (!result.ok) {
      await refundAttempt(db, reserved);
      return result;
    }
    reserved.push(limit.key);
  }
  return { ok: true };
}

/** Gives back a reserved attempt that was not evaluated (the check could not run) or should not count. */
export async function refundAttempt(db: Db, keys: string[]): Promise<void> {
  if (keys.length)
    await db.signInThrottle.updateMany({
      where: { key: { in: keys }, failures: { gt: 0 } },
      data: { failures: { decrement: 1 } },
    });
}

/** Forgets the counters of these keys (a success, or an operator's unlock). Concurrent clears never fail. */
export async function clearAttempts(db: Db, keys: string[]): Promise<void> {
  if (keys.length) await db.signInThrottle.deleteMany({ where: { key: { in: keys } } });
}

/** Removes counters whose window and lockout are both over (run by the cleanup script). */
export async function purgeStaleThrottles(
  db: Db,
  settings: { windowSeconds: number },
  now = new Date(),
): Promise<number> {
  const { count } = await db.signInThrottle.deleteMany({
    where: {
      windowStart: { lt: new Date(now.getTime() - settings.windowSeconds * 1000) },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
  });
  return count;
}

/** "15 minutes", "1 hour", "30 seconds": lockout durations in messages come from the settings. */
export function formatDuration(seconds: number): string {
  const [value, unit] =
    seconds % 3600 === 0
      ? [seconds / 3600, "hour"]
      : seconds >= 60
        ? [Math.ceil(seconds / 60), "minute"]
        : [seconds, "second"];
  return `${value} ${unit}${value === 1 ? "" : "s"}`;
}

/** An operator's unlock: forgets the account's sign-in counters (untrusted and every device) and its password-change counter. */
export async function unlockAccount(db: Db, user: { id: string; email: string }): Promise<number> {
  const keys = [throttleKeys.account(user.email), throttleKeys.passwordCheck(user.id)];
  const { count } = await db.signInThrottle.deleteMany({
    where: { OR: [{ key: { in: keys } }, { key: { startsWith: throttleKeys.device(user.email, "") } }] },
  });
  return count;
}

/**
 * The accounts among these users with a sign-in lockout running now (untrusted bucket, a device or the
 * password-change check), each with the time its last lockout ends: what /admin shows an Unlock button for.
 */
export async function lockedAccounts(
  db: Db,
  users: { id: string; email: string }[],
  now = new Date(),
): Promise<Map<string, Date>> {
  const userByKey = new Map(
    users.flatMap(
      (u) =>
        [
          [throttleKeys.account(u.email), u.id],
          [throttleKeys.passwordCheck(u.id), u.id],
        ] as const,
    ),
  );
  const userByEmail = new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
  const rows = await db.signInThrottle.findMany({
    where: {
      lockedUntil: { gt: now },
      OR: [{ key: { in: [...userByKey.keys()] } }, { key: { startsWith: "device:" } }],
    },
    select: { key: true, lockedUntil: true },
  });
  const locked = new Map<string, Date>();
  for (const row of rows) {
    const userId = userByKey.get(row.key) ?? userByEmail.get(row.key.slice("device:".length, row.key.lastIndexOf(":")));
    if (!userId || !row.lockedUntil) continue;
    const until = locked.get(userId);
    if (!until || until < row.lockedUntil) locked.set(userId, row.lockedUntil);
  }
  return locked;
}
