import type { Prisma } from "../generated/sqlite/client";
import { throttleKeys } from "../auth/throttle";
import type { EmailTokenPurpose } from "../auth/email-tokens";
import { publishChange } from "../auth/strategy/change-feed";
import type { Db } from "../db";

// One account-security event for everything that changes what proves who owns an account. Each kind has one
// row in EVENT_RULES saying what it ends; SECURITY.md's table is this table. A new flow adds a row here instead
// of remembering the places an attacker may still hold something:
//   sessions   — Session rows of both strategies (deleted, then announced on the change feed),
//   links      — unused EmailToken rows of every purpose (a pending email change, reset or confirmation),
//   devices    — User.credentialEpoch is bumped; device cookies sign it (lib/auth/device-cookie.ts), so every
//                cookie issued before the event, and the failure bucket it keys, counts for nothing.
// The user's own change (new password hash, new address) is written in the same transaction.

export type SecurityEventKind =
  | "password-changed"
  | "password-reset"
  | "email-change-requested"
  | "email-changed"
  | "email-change-undone"
  | "sessions-ended"
  | "account-disabled"
  | "account-enabled";

type Rule = {
  /** all: every session; others: all but the acting browser's (`keepSessionId`); none. */
  sessions: "all" | "others" | "none";
  /** Purposes of unused links withdrawn. */
  links: readonly EmailTokenPurpose[];
  /** Whether device cookies issued before the event stop counting (the credential epoch is bumped). */
  devices: boolean;
};

/**
 * Every purpose but the undo link, which the owner's old address holds after an email change: whoever took the
 * account can reset or change its password from the new address, and must not cancel the owner's way back.
 */
const ALL_BUT_UNDO = ["verify-email", "reset-password", "change-email"] as const;
const EVERY_LINK = [...ALL_BUT_UNDO, "undo-email-change"] as const;

export const EVENT_RULES: Record<SecurityEventKind, Rule> = {
  "password-changed": { sessions: "others", links: ALL_BUT_UNDO, devices: true },
  "password-reset": { sessions: "all", links: ALL_BUT_UNDO, devices: true },
  // Only the link for an earlier requested address: nothing has changed yet.
  "email-change-requested": { sessions: "none", links: ["change-email"], devices: false },
  "email-changed": { sessions: "others", links: ALL_BUT_UNDO, devices: true },
  "email-change-undone": { sessions: "all", links: EVERY_LINK, devices: true },
  "sessions-ended": { sessions: "others", links: ALL_BUT_UNDO, devices: true },
  "account-disabled": { sessions: "all", links: EVERY_LINK, devices: true },
  // Everything was already ended when the account was disabled; the feed still hears of it.
  "account-enabled": { sessions: "none", links: [], devices: false },
};

type SecurityEvent = {
  kind: SecurityEventKind;
  userId: string;
  /** The acting browser's session, kept by rules that end the "others". */
  keepSessionId?: string | null;
  /** The account's own change, written in the same transaction. */
  update?: Prisma.UserUpdateInput;
};

export type SecurityEventResult = {
  endedSessions: number;
  withdrawnLinks: number;
  /** The epoch after the event: a browser that stays signed in gets a device cookie for it. */
  credentialEpoch: number;
  email: string;
};

/**
 * Applies `update` and ends what the event's rule says, in one transaction, then announces it to every
 * process's session checks. Throws what the update throws (e.g. a unique violation) with nothing changed.
 */
export async function accountSecurityEvent(db: Db, event: SecurityEvent): Promise<SecurityEventResult> {
  const rule = EVENT_RULES[event.kind];
  const { userId } = event;
  const keep = rule.sessions === "others" && event.keepSessionId ? { id: { not: event.keepSessionId } } : {};
  const [user, links, sessions] = await db.$transaction([
    db.user.update({
      where: { id: userId },
      data: { ...event.update, ...(rule.devices ? { credentialEpoch: { increment: 1 } } : {}) },
      select: { email: true, credentialEpoch: true },
    }),
    db.emailToken.deleteMany({ where: { userId, usedAt: null, purpose: { in: [...rule.links] } } }),
    db.session.deleteMany({ where: rule.sessions === "none" ? { id: { in: [] } } : { userId, ...keep } }),
  ]);
  // The failure buckets of cookies that no longer verify are dead weight: the epoch already ended them.
  if (rule.devices)
    await db.signInThrottle.deleteMany({ where: { key: { startsWith: throttleKeys.device(user.email, "") } } });
  // Every session of the user checks again (JWT claims, cached lookups): ended ones fail, the kept one passes.
  publishChange({ kind: "user", id: userId });
  return {
    endedSessions: sessions.count,
    withdrawnLinks: links.count,
    credentialEpoch: user.credentialEpoch,
    email: user.email,
  };
}
