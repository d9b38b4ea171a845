import type { z } from "zod";
import type { Db } from "../db";
import { MOVED_MARKER } from "./anonymous";
import { SessionDataError, SessionDataTooLargeError, SessionDataValidationError } from "./errors";
import { ANONYMOUS_DATA_MAX_AGE_SECONDS, type SessionDataOwner } from "./owner";

// One named piece of session data ("cart", "onboarding", …) in the SessionData table, independent of Next.js:
// every function takes the database and the owner, so the same code runs in the app, scripts and tests.
//
// Writes are read-modify-write with an optimistic version check: read the row and its version, compute the new
// value, validate it, then UPDATE … WHERE version = <read version>. If another request wrote in between, nothing
// is written and the whole step is retried on the fresh value, so concurrent writes from two tabs never lose
// each other's changes. An invalid or oversized value throws before anything is written.

export const DEFAULT_MAX_BYTES = 4096;
const MAX_ATTEMPTS = 50;

export type SessionStoreOptions<T> = {
  /** The value before anything was written (and after clear()). */
  initial: T;
  /** Limit on the stored JSON (UTF-8 bytes). Default 4096. */
  maxBytes?: number;
  /**
   * Combines anonymous data with the signed-in session's on sign-in. Default: shallow merge where the session's
   * own top-level keys win (the session is new at sign-in, so it rarely has any).
   */
  merge?: (signedIn: T, anonymous: T) => T;
};

export type SessionStore<T> = {
  readonly name: string;
  readonly maxBytes: number;
  read(db: Db, owner: SessionDataOwner, now?: Date): Promise<T>;
  /** Atomically replaces the value with `compute(current)`; `compute` may run more than once, keep it pure. */
  write(db: Db, owner: SessionDataOwner, compute: (current: T) => T, now?: Date): Promise<T>;
  clear(db: Db, owner: SessionDataOwner): Promise<void>;
  /** Moves the anonymous owner's value into the session's (merged); returns whether there was one. */
  adopt(db: Db, from: SessionDataOwner, to: SessionDataOwner, now?: Date): Promise<boolean>;
};

type Row = { data: string; version: number; expires: Date | null };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Prisma's error code (P2002 unique violation, P2003 foreign key violation), if the error has one. */
function prismaCode(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** Anonymous data slides; signed-in data has no expiry of its own (it is deleted with its session). */
function expiryFor(owner: SessionDataOwner, now: Date): Date | null {
  return owner.kind === "anonymous" ? new Date(now.getTime() + ANONYMOUS_DATA_MAX_AGE_SECONDS * 1000) : null;
}

/** The row links to its session so the database deletes it with the session (ON DELETE CASCADE). */
function sessionLink(owner: SessionDataOwner) {
  return owner.kind === "session" ? { sessionId: owner.sessionId } : {};
}

/** Only data whose owner is still live: an unexpired anonymous row, or a row whose session row is unexpired. */
function liveOwnerFilter(owner: SessionDataOwner, now: Date) {
  if (owner.kind === "anonymous") return { expires: { gt: now } };
  return { session: { is: { expires: { gt: now } } } };
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
}

export function createSessionStore<T extends object>(
  name: string,
  schema: z.ZodType<T>,
  options: SessionStoreOptions<T>,
): SessionStore<T> {
  if (name === MOVED_MARKER)
    throw new Error(`"${MOVED_MARKER}" is reserved for anonymous data being moved (lib/session-data/anonymous.ts).`);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const merge = options.merge ?? ((signedIn: T, anonymous: T) => ({ ...anonymous, ...signedIn }));
  const where = (owner: SessionDataOwner) => ({ key_name: { key: owner.key, name } });

  /** A stored value, or the initial one when it no longer fits the schema (e.g. after a deploy changed it). */
  function decode(data: string): T {
    try {
      const parsed = schema.safeParse(JSON.parse(data));
      return parsed.success ? parsed.data : options.initial;
    } catch {
      return options.initial;
    }
  }

  /** Validates and serialises a value, or throws without writing anything. */
  function encode(value: T): { value: T; json: string } {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new SessionDataValidationError(name, issuesOf(parsed.error));
    const json = JSON.stringify(parsed.data);
    const bytes = Buffer.byteLength(json, "utf8");
    if (bytes > maxBytes) throw new SessionDataTooLargeError(name, bytes, maxBytes);
    return { value: parsed.data, json };
  }

  const current = (row: Row | null, now: Date): T =>
    row && (row.expires === null || row.expires > now) ? decode(row.data) : options.initial;

  async function write(db: Db, owner: SessionDataOwner, compute: (current: T) => T, now = new Date()): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const row = await db.sessionData.findUnique({
        where: where(owner),
        select: { data: true, version: true, expires: true },
      });
      const next = encode(compute(current(row, now)));
      if (!row) {
        try {
          await db.sessionData.create({
            data: { key: owner.key, name, data: next.json, expires: expiryFor(owner, now), ...sessionLink(owner) },
          });
          return next.value;
        } catch (error) {
          // The session row is gone (revoked or signed out while this request ran): its data must not outlive it.
          if (prismaCode(error) === "P2003")
            throw new SessionDataError("session_ended", "The session has ended. Nothing was saved.");
          if (prismaCode(error) !== "P2002") throw error; // P2002: a concurrent first write won; retry on its value
        }
      } else {
        const { count } = await db.sessionData.updateMany({
          where: { key: owner.key, name, version: row.version },
          data: { data: next.json, version: row.version + 1, expires: expiryFor(owner, now) },
        });
        if (count === 1) return next.value;
      }
      // Lost a race: back off a little (randomised, so contending writers spread out) and retry on the new value.
      await sleep(Math.random() * Math.min(2 ** attempt, 25));
    }
    throw new SessionDataError(
      "conflict",
      `Session data "${name}" is being changed too often right now. Nothing was saved; try again.`,
    );
  }

  return {
    name,
    maxBytes,
    async read(db, owner, now = new Date()) {
      const row = await db.sessionData.findFirst({
        where: { key: owner.key, name, ...liveOwnerFilter(owner, now) },
        select: { data: true },
      });
      return row ? decode(row.data) : options.initial;
    },
    write,
    async clear(db, owner) {
      await db.sessionData.deleteMany({ where: { key: owner.key, name } });
    },
    async adopt(db, from, to, now = new Date()) {
      const row = await db.sessionData.findUnique({
        where: where(from),
        select: { data: true, version: true, expires: true },
      });
      if (!row) return false;
      // Claim the anonymous row by deleting it at the version read: of two concurrent requests only one gets it,
      // so it is merged exactly once.
      const claimed = await db.sessionData.deleteMany({ where: { key: from.key, name, version: row.version } });
      if (claimed.count === 0 || (row.expires !== null && row.expires <= now)) return false;
      const anonymous = decode(row.data);
      try {
        await write(db, to, (signedIn) => merge(signedIn, anonymous), now);
      } catch (error) {
        if (error instanceof SessionDataError && (error.code === "too_large" || error.code === "invalid")) {
          console.warn(
            `[session-data] anonymous "${name}" data could not be merged on sign-in and was dropped: ${error.message}`,
          );
          return false;
        }
        // Put it back for the next attempt rather than lose it.
        await db.sessionData
          .create({ data: { key: from.key, name, data: row.data, expires: row.expires } })
          .catch(() => undefined);
        throw error;
      }
      return true;
    },
  };
}
