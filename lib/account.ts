import { revokeEmailTokens } from "./auth/email-tokens";
import { revokeUserSessions } from "./auth/session-admin";
import type { Limit } from "./auth/throttle";
import { checkCurrentPassword, SERVER_BUSY_MESSAGE, WRONG_CURRENT_PASSWORD_MESSAGE } from "./current-password";
import type { Db } from "./db";
import { hashPassword, PasswordPoolBusyError } from "./password";
import { newPasswordStrengthError } from "./password-strength";
import { noticePasswordChanged, type NoticeMeta } from "./security-notices";
import { newPasswordSchema } from "./validation";

type ChangePasswordResult =
  | { status: "changed"; endedSessions: number }
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
    if (!(error instanceof PasswordPoolBusyError)) throw error;
    return { status: "error", message: SERVER_BUSY_MESSAGE };
  }
}

/**
 * Changes a password after checking the current one, then ends every other session of the user
 * (ASVS 7.4.3), keeping only `keepSessionId` (the browser that made the change), ends pending reset links, and
 * tells the account's address (with `requestMeta`: who made the change).
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

  const check = await checkCurrentPassword(db, { userId, currentPassword, cost }, throttle);
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
    passwordHash = await hashPassword(newPassword, cost);
  } catch (error) {
    if (!(error instanceof PasswordPoolBusyError)) throw error;
    return { status: "error", message: SERVER_BUSY_MESSAGE };
  }
  await db.user.update({ where: { id: userId }, data: { passwordHash } });
  // A reset link still in someone's mailbox would undo the change the owner just made.
  await revokeEmailTokens(db, userId, ["reset-password"]);
  const ended = await revokeUserSessions(db, userId, keepSessionId ? { exceptId: keepSessionId } : {});
  noticePasswordChanged({ email: check.email }, { at: new Date(), ...requestMeta });
  return { status: "changed", endedSessions: ended };
}
