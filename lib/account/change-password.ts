import type { Limit } from "../auth/throttle";
import { checkCurrentPassword, WRONG_CURRENT_PASSWORD_MESSAGE } from "../current-password";
import type { Db } from "../db";
import { hashPassword, isPasswordPoolBusy, serverBusyMessage } from "../password";
import { newPasswordStrengthError } from "../password-strength";
import { noticePasswordChanged, type NoticeMeta } from "../security-notices";
import { newPasswordSchema } from "../validation";
import { accountSecurityEvent } from "./security-event";

type ChangePasswordResult =
  | { status: "changed"; endedSessions: number; credentialEpoch: number; email: string }
  | { status: "error"; message: string; fieldErrors?: Partial<Record<string, string[]>> };

/** A refusal when the new password is too easy to guess, also from the user's own email and name (ASVS 6.2.4, 6.2.12). */
async function weakNewPasswordRefusal(
  db: Db,
  userId: string,
  newPassword: string,
): Promise<ChangePasswordResult | null> {
  const owner = await db.user.findUnique({ where: { id: userId }, select: { email: true, name: true } });
  try {
    const weak = await newPasswordStrengthError(newPassword, owner ?? {});
    return weak
      ? { status: "error", message: "Please fix the highlighted fields.", fieldErrors: { newPassword: [weak] } }
      : null;
  } catch (error) {
    if (!isPasswordPoolBusy(error)) throw error;
    return { status: "error", message: serverBusyMessage(error.retryAfterSeconds) };
  }
}

/**
 * Changes a password after checking the current one, as a "password-changed" security event: every other
 * session ends (ASVS 7.4.3), keeping only `keepSessionId` (the browser that made the change), with every pending
 * link and device cookie; the account's address is told (with `requestMeta`: who made the change).
 */
export async function changePassword(
  db: Db,
  {
    userId,
    currentPassword,
    newPassword,
    confirmPassword,
    keepSessionId,
    cost,
    requestMeta = { userAgent: null, ip: null },
  }: {
    userId: string;
    currentPassword: string;
    newPassword: string;
    confirmPassword: string;
    keepSessionId: string | null;
    cost: number;
    requestMeta?: Omit<NoticeMeta, "at">;
  },
  /** The current password is a guessable secret like the sign-in password: the same throttle counts guesses. */
  throttle: Omit<Limit, "key">,
): Promise<ChangePasswordResult> {
  const parsed = newPasswordSchema.safeParse(newPassword);
  if (!parsed.success)
    return {
      status: "error",
      message: "Please fix the highlighted fields.",
      fieldErrors: { newPassword: parsed.error.issues.map((i) => i.message) },
    };
  if (newPassword !== confirmPassword)
    return {
      status: "error",
      message: "Please fix the highlighted fields.",
      fieldErrors: { confirmPassword: ["The passwords do not match."] },
    };
  const weakPassword = await weakNewPasswordRefusal(db, userId, newPassword);
  if (weakPassword) return weakPassword;

  const check = await checkCurrentPassword(db, { userId, currentPassword, cost, client: requestMeta.ip }, throttle);
  if (!check.ok) {
    if (check.problem !== "wrong") return { status: "error", message: check.message };
    return {
      status: "error",
      message: "Please fix the highlighted fields.",
      fieldErrors: { currentPassword: [WRONG_CURRENT_PASSWORD_MESSAGE] },
    };
  }
  let passwordHash: string;
  try {
    passwordHash = await hashPassword(newPassword, cost, { client: requestMeta.ip, account: userId });
  } catch (error) {
    if (!isPasswordPoolBusy(error)) throw error;
    return { status: "error", message: serverBusyMessage(error.retryAfterSeconds) };
  }
  const event = await accountSecurityEvent(db, {
    kind: "password-changed",
    userId,
    keepSessionId,
    update: { passwordHash },
  });
  noticePasswordChanged({ email: check.email }, { at: new Date(), ...requestMeta });
  return { status: "changed", ...event };
}
