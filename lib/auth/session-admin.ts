import { setTimeout as sleep } from "node:timers/promises";
import { isPostgresClient, type Db } from "../db";
import type { Env } from "../env";
import { publishChange } from "./strategy/change-feed";

// Listing, revoking and purging signed-in sessions, for operators (scripts/sessions.ts) and admin pages. One
// Session row per signed-in browser, whichever strategy made it; a row of the strategy not in use cannot sign
// anyone in, so it is not listed as active, but it can still be ended and is purged when it expires. Every
// query selects its columns explicitly: Session.sessionToken (a hash of the cookie) never leaves this module.

export type SessionSummary = {
  id: string;
  /** The strategy that made the session (AUTH_SESSION_STRATEGY at its sign-in). */
  strategy: string;
  userId: string;
  userEmail: string;
  createdAt: Date;
  lastSeenAt: Date;
  expires: Date;
  userAgent: string | null;
  ip: string | null;
};

type SessionLifetime = {
  now?: Date;
  /** AUTH_SESSION_ABSOLUTE_MAX_AGE: a session this old is over even while its sliding expiry is ahead. */
  absoluteMaxAgeSeconds?: number;
};

/** What makes a session active in this deployment: its strategy in use, within the absolute lifetime. */
export function activeSessionRules(env: Pick<Env, "AUTH_SESSION_STRATEGY" | "AUTH_SESSION_ABSOLUTE_MAX_AGE">) {
  return { strategy: env.AUTH_SESSION_STRATEGY, absoluteMaxAgeSeconds: env.AUTH_SESSION_ABSOLUTE_MAX_AGE };
}

const summarySelect = {
  id: true,
  strategy: true,
  userId: true,
  createdAt: true,
  lastSeenAt: true,
  expires: true,
  userAgent: true,
  ip: true,
  user: { select: { email: true } },
} as const;

function absoluteCutoff(now: Date, absoluteMaxAgeSeconds?: number): Date | null {
  return absoluteMaxAgeSeconds ? new Date(now.getTime() - absoluteMaxAgeSeconds * 1000) : null;
}

/**
 * Sessions that would still authenticate a request: not expired, not past the absolute lifetime, user enabled,
 * and (given `strategy`) made by that strategy. Newest activity first.
 */
export async function listActiveSessions(
  db: Db,
  {
    userId,
    strategy,
    now = new Date(),
    absoluteMaxAgeSeconds,
    skip,
    take,
  }: ActiveSessionFilter & { skip?: number; take?: number } = {},
): Promise<SessionSummary[]> {
  const rows = await db.session.findMany({
    where: activeSessionWhere({ userId, strategy, now, absoluteMaxAgeSeconds }),
    select: summarySelect,
    orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
    ...(skip ? { skip } : {}),
    ...(take ? { take } : {}),
  });
  return rows.map(({ user, ...rest }) => ({ ...rest, userEmail: user.email }));
}

type ActiveSessionFilter = SessionLifetime & { userId?: string; strategy?: string };

function activeSessionWhere({ userId, strategy, now = new Date(), absoluteMaxAgeSeconds }: ActiveSessionFilter) {
  const cutoff = absoluteCutoff(now, absoluteMaxAgeSeconds);
  return {
    expires: { gt: now },
    user: { active: true },
    ...(cutoff ? { createdAt: { gt: cutoff } } : {}),
    ...(userId ? { userId } : {}),
    ...(strategy ? { strategy } : {}),
  };
}

/** How many sessions listActiveSessions would list with the same filter (for paging). */
export async function countActiveSessions(db: Db, filter: ActiveSessionFilter = {}): Promise<number> {
  return db.session.count({ where: activeSessionWhere(filter) });
}

/** Active sessions of each of these users (a page of /admin), counted by the database; users without any are absent. */
export async function countActiveSessionsByUser(
  db: Db,
  userIds: string[],
  filter: Omit<ActiveSessionFilter, "userId"> = {},
): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const groups = await db.session.groupBy({
    by: ["userId"],
    where: { ...activeSessionWhere(filter), userId: { in: userIds } },
    _count: { _all: true },
  });
  return new Map(groups.map((g) => [g.userId, g._count._all]));
}

/**
 * Ends one session; false when no session has that id. A database session ends at once, a JWT session at its
 * next recheck (AUTH_JWT_RECHECK_SECONDS).
 */
export async function revokeSession(db: Db, id: string): Promise<boolean> {
  const { count } = await db.session.deleteMany({ where: { id } });
  publishChange({ kind: "session", id });
  return count > 0;
}

/** Ends all of a user's sessions (except `exceptId`, e.g. the admin's own); returns how many. */
export async function revokeUserSessions(
  db: Db,
  userId: string,
  { exceptId }: { exceptId?: string } = {},
): Promise<number> {
  const where = { userId, ...(exceptId ? { id: { not: exceptId } } : {}) };
  const { count } = await db.session.deleteMany({ where });
  // Every session of the user checks again once (the kept one passes): the ended ones' ids are not known here.
  publishChange({ kind: "user", id: userId });
  return count;
}

type PurgeResult = {
  unconfirmedAccounts: number;
  sessions: number;
  verificationTokens: number;
  emailTokens: number;
  sessionData: number;
};

/** What `npm run sessions -- purge-expired` removes beyond what has expired, from the deployment's settings. */
export function purgeRules(
  env: Pick<Env, "AUTH_SESSION_ABSOLUTE_MAX_AGE" | "AUTH_EMAIL_VERIFICATION" | "AUTH_UNCONFIRMED_ACCOUNT_DAYS">,
) {
  return {
    absoluteMaxAgeSeconds: env.AUTH_SESSION_ABSOLUTE_MAX_AGE,
    // Only where confirming is the way in: under "optional" or "off" an unconfirmed account signs in as it is,
    // and having no session row then only means it signed out or its sessions expired.
    unconfirmedAccountDays: env.AUTH_EMAIL_VERIFICATION === "required" ? env.AUTH_UNCONFIRMED_ACCOUNT_DAYS : undefined,
  };
}

/**
 * Small batches with a pause between them, so concurrent sign-ins are not held up: SQLite has one writer at a
 * time, and large batches hold its write lock long enough to show in sign-in latency. `npm run bench` (purge
 * phase) measures the stall and the rows per second with these values.
 */
export const PURGE_DEFAULTS = { batchSize: 200, pauseMs: 20 };

type PurgeOptions = SessionLifetime & {
  /** Rows per DELETE statement: each batch is its own short statement, so no long lock is held. */
  batchSize?: number;
  /**
   * Milliseconds to wait after each batch. Between batches the app's own writes (sign-ins) get the database:
   * SQLite has one writer at a time, and on any database the purge otherwise competes for CPU with the app.
   */
  pauseMs?: number;
  /** Called after each batch with the table and the rows it deleted (progress output; tests count batches). */
  onBatch?: (table: keyof PurgeResult, deleted: number) => void;
  /**
   * Deletes accounts at least this many days old that never confirmed their address and never had a session
   * (see purgeRules: only when confirmation is required). Undefined: no account is deleted.
   */
  unconfirmedAccountDays?: number;
};

/**
 * Deletes never-confirmed accounts (with `unconfirmedAccountDays`), expired Session rows of both strategies (and
 * those past the absolute lifetime), expired VerificationToken rows, expired or used emailed links and expired
 * anonymous session data, in batches: ids are selected in order, then deleted by id. A deleted session takes its
 * session data with it (ON DELETE CASCADE). Works the same on SQLite and PostgreSQL and is safe to run while the
 * app serves requests.
 */
export async function purgeExpiredSessions(
  db: Db,
  {
    batchSize = PURGE_DEFAULTS.batchSize,
    pauseMs = PURGE_DEFAULTS.pauseMs,
    now = new Date(),
    absoluteMaxAgeSeconds,
    onBatch,
    unconfirmedAccountDays,
  }: PurgeOptions = {},
): Promise<PurgeResult> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isFinite(pauseMs) || pauseMs < 0) throw new RangeError(`pauseMs must be zero or more, got ${pauseMs}`);
  if (unconfirmedAccountDays !== undefined && !(unconfirmedAccountDays > 0))
    throw new RangeError(`unconfirmedAccountDays must be more than 0, got ${unconfirmedAccountDays}`);
  const cutoff = absoluteCutoff(now, absoluteMaxAgeSeconds);
  const expired = { OR: [{ expires: { lte: now } }, ...(cutoff ? [{ createdAt: { lte: cutoff } }] : [])] };

  const batching = { batchSize, pauseMs, afterBatch: await walCheckpointAfterBatch(db) };
  // Before the sessions: an account whose sessions have only just expired still shows that it signed in.
  const neverUsed = unconfirmedAccountDays === undefined ? null : neverUsedAccount(now, unconfirmedAccountDays);
  const unconfirmedAccounts = !neverUsed
    ? 0
    : await deleteByIdInBatches(batching, {
        findIds: (after) =>
          db.user.findMany({
            where: { ...neverUsed, ...afterId(after) },
            orderBy: { id: "asc" },
            take: batchSize,
            select: { id: true },
          }),
        // The condition is repeated so an account confirmed or signed in since the select survives.
        deleteIds: async (ids) => (await db.user.deleteMany({ where: { id: { in: ids }, ...neverUsed } })).count,
        onBatch: (n) => onBatch?.("unconfirmedAccounts", n),
      });
  const sessions = await deleteByIdInBatches(batching, {
    findIds: (after) =>
      db.session.findMany({
        where: { ...expired, ...afterId(after) },
        orderBy: { id: "asc" },
        take: batchSize,
        select: { id: true },
      }),
    // The condition is repeated so a session extended between the select and the delete survives.
    deleteIds: async (ids) => (await db.session.deleteMany({ where: { id: { in: ids }, ...expired } })).count,
    onBatch: (n) => onBatch?.("sessions", n),
  });
  const verificationTokens = await purgeExpiredVerificationTokens(db, batchSize, now, (n) =>
    onBatch?.("verificationTokens", n),
  );
  const spent = { OR: [{ expires: { lte: now } }, { usedAt: { not: null } }] };
  const emailTokens = await deleteByIdInBatches(batching, {
    findIds: (after) =>
      db.emailToken.findMany({
        where: { ...spent, ...afterId(after) },
        orderBy: { id: "asc" },
        take: batchSize,
        select: { id: true },
      }),
    deleteIds: async (ids) => (await db.emailToken.deleteMany({ where: { id: { in: ids }, ...spent } })).count,
    onBatch: (n) => onBatch?.("emailTokens", n),
  });
  const sessionData = await purgeExpiredSessionData(db, batchSize, now, (n) => onBatch?.("sessionData", n));
  return { unconfirmedAccounts, sessions, verificationTokens, emailTokens, sessionData };
}

/**
 * An account nobody can have used: never confirmed, so under AUTH_EMAIL_VERIFICATION=required it could never sign
 * in, and no session row of either strategy. Accounts made by `users:create` or the seed, and those from before
 * addresses were confirmed, count as confirmed. A disabled account stays (an operator's decision, and it keeps its
 * address from being signed up again), and so does one with a link still out that may yet confirm it.
 */
function neverUsedAccount(now: Date, days: number) {
  return {
    emailVerified: null,
    active: true,
    createdAt: { lte: new Date(now.getTime() - days * 24 * 60 * 60 * 1000) },
    sessions: { none: {} },
    accounts: { none: {} },
    emailTokens: { none: { expires: { gt: now }, usedAt: null } },
  };
}

const afterId = (after: string | undefined) => (after === undefined ? {} : { id: { gt: after } });

async function deleteByIdInBatches(
  { batchSize, pauseMs, afterBatch }: { batchSize: number; pauseMs: number; afterBatch: () => Promise<void> },
  step: {
    findIds: (after: string | undefined) => Promise<{ id: string }[]>;
    deleteIds: (ids: string[]) => Promise<number>;
    onBatch: (deleted: number) => void;
  },
): Promise<number> {
  let total = 0;
  let after: string | undefined;
  // A keyset cursor (id > last id) guarantees progress even if a selected row is extended and not deleted.
  for (;;) {
    const ids = (await step.findIds(after)).map((row) => row.id);
    if (ids.length === 0) return total;
    const deleted = await step.deleteIds(ids);
    total += deleted;
    await afterBatch();
    step.onBatch(deleted);
    if (ids.length < batchSize) return total;
    after = ids[ids.length - 1];
    if (pauseMs > 0) await sleep(pauseMs);
  }
}

// VerificationToken has a composite key (identifier, token), so each batch deletes the selected pairs.
async function purgeExpiredVerificationTokens(
  db: Db,
  batchSize: number,
  now: Date,
  onBatch: (deleted: number) => void,
): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db.verificationToken.findMany({
      where: { expires: { lte: now } },
      orderBy: [{ identifier: "asc" }, { token: "asc" }],
      take: batchSize,
      select: { identifier: true, token: true },
    });
    if (rows.length === 0) return total;
    const { count } = await db.verificationToken.deleteMany({ where: { expires: { lte: now }, OR: rows } });
    total += count;
    onBatch(count);
    // Deleted rows no longer match the select; stop if none could be deleted so the loop always ends.
    if (rows.length < batchSize || count === 0) return total;
  }
}

/**
 * Anonymous session data past its expiry (lib/session-data/). Signed-in data has no expiry of its own: it
 * goes with its session row. Rows linked to no session and without an expiry cannot be reached by anyone and
 * are removed too (a guard: the app never writes them). The key is composite, so batches delete selected pairs.
 */
async function purgeExpiredSessionData(
  db: Db,
  batchSize: number,
  now: Date,
  onBatch: (deleted: number) => void,
): Promise<number> {
  const expired = { OR: [{ expires: { lte: now } }, { expires: null, sessionId: null }] };
  let total = 0;
  for (;;) {
    const rows = await db.sessionData.findMany({
      where: expired,
      orderBy: [{ key: "asc" }, { name: "asc" }],
      take: batchSize,
      select: { key: true, name: true },
    });
    if (rows.length === 0) return total;
    // The condition is repeated so data written (and so extended) between the select and the delete survives.
    const { count } = await db.sessionData.deleteMany({ where: { AND: [expired, { OR: rows }] } });
    total += count;
    onBatch(count);
    if (rows.length < batchSize || count === 0) return total;
  }
}

/**
 * SQLite in WAL mode: the purge checkpoints the log itself after each batch (PASSIVE: it never waits for or
 * blocks the app's writers), so the write-ahead log stays small and an app sign-in never commits just as the
 * log passes SQLite's auto-checkpoint threshold, which would make that sign-in copy the purge's pages.
 */
async function walCheckpointAfterBatch(db: Db): Promise<() => Promise<void>> {
  if (isPostgresClient(db)) return async () => {};
  const mode = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
  if (mode[0]?.journal_mode !== "wal") return async () => {};
  return async () => {
    await db.$queryRawUnsafe("PRAGMA wal_checkpoint(PASSIVE)");
  };
}
