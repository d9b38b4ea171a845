import { timingSafeEqual } from "node:crypto";
import type { Db } from "../db";
import { generateToken, hashToken, looksLikeToken } from "./random-token";

// One-time links sent by email. The link carries a 256-bit token; the EmailToken row holds only its SHA-256, the
// purpose, the user and the address it was sent to. A link works once, until it expires, and only while it is the
// newest of its purpose for its user (issuing a new one deletes the older ones). Undo links are the exception:
// each email change sends its own to the address it replaced, and a later change must not take the owner's away.

export type EmailTokenPurpose = "verify-email" | "reset-password" | "change-email" | "undo-email-change";

export type UsedEmailToken = { userId: string; email: string };
/** Why a link was refused; each has its own page text, none says anything about an account. */
export type EmailTokenProblem = "invalid" | "expired" | "used";

/** A new link token for `purpose`, valid for `ttlSeconds`; older unused links of that purpose stop working. */
export async function issueEmailToken(
  db: Db,
  {
    userId,
    purpose,
    email,
    ttlSeconds,
  }: { userId: string; purpose: EmailTokenPurpose; email: string; ttlSeconds: number },
): Promise<string> {
  const token = generateToken();
  const older =
    purpose === "undo-email-change" ? [] : [db.emailToken.deleteMany({ where: { userId, purpose, usedAt: null } })];
  await db.$transaction([
    ...older,
    db.emailToken.create({
      data: { purpose, tokenHash: hashToken(token), userId, email, expires: new Date(Date.now() + ttlSeconds * 1000) },
    }),
  ]);
  return token;
}

type TokenCheck =
  { ok: true; row: { id: string; userId: string; email: string } } | { ok: false; problem: EmailTokenProblem };

async function check(db: Db, purpose: EmailTokenPurpose, token: unknown, now: Date): Promise<TokenCheck> {
  if (!looksLikeToken(token)) return { ok: false, problem: "invalid" };
  const tokenHash = hashToken(token);
  const row = await db.emailToken.findUnique({ where: { tokenHash } });
  // The lookup is by hash (an attacker cannot steer its bytes); the comparison after it is constant-time anyway.
  if (!row || row.purpose !== purpose || !sameHash(row.tokenHash, tokenHash)) return { ok: false, problem: "invalid" };
  if (row.usedAt) return { ok: false, problem: "used" };
  if (row.expires <= now) return { ok: false, problem: "expired" };
  return { ok: true, row };
}

/** Whether a link would work now, and for whom, without using it (a form shown before the link is used). */
export async function peekEmailToken(
  db: Db,
  purpose: EmailTokenPurpose,
  token: unknown,
): Promise<{ ok: true; token: UsedEmailToken } | { ok: false; problem: EmailTokenProblem }> {
  const checked = await check(db, purpose, token, new Date());
  return checked.ok ? { ok: true, token: { userId: checked.row.userId, email: checked.row.email } } : checked;
}

/**
 * Uses a link's token once: the first caller gets its user and address, every later or concurrent one "used".
 * A token of another purpose is "invalid", exactly like one that never existed.
 */
export async function redeemEmailToken(
  db: Db,
  purpose: EmailTokenPurpose,
  token: unknown,
): Promise<{ ok: true; token: UsedEmailToken } | { ok: false; problem: EmailTokenProblem }> {
  const now = new Date();
  const checked = await check(db, purpose, token, now);
  if (!checked.ok) return checked;
  const { row } = checked;
  const { count } = await db.emailToken.updateMany({
    where: { id: row.id, usedAt: null, expires: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) return { ok: false, problem: "used" };
  return { ok: true, token: { userId: row.userId, email: row.email } };
}

/** Ends every unused link of these purposes for a user (a password change kills pending reset links). */
export async function revokeEmailTokens(db: Db, userId: string, purposes: EmailTokenPurpose[]): Promise<void> {
  await db.emailToken.deleteMany({ where: { userId, purpose: { in: purposes }, usedAt: null } });
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
