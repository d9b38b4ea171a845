import { clearAttempts, formatDuration, reserveAttempt, throttleKeys, type Limit } from "./auth/throttle";
import type { Db } from "./db";
import {
  hashPassword,
  PASSWORD_MAX_BYTES,
  passwordByteLength,
  PasswordPoolBusyError,
  verifyPasswordAtCost,
} from "./password";
import { newPasswordStrengthError } from "./password-strength";
import { revokeUserSessions } from "./auth/session-admin";
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
    return { status: "error", message: "The server is busy right now. Please try again in a few seconds." };
  }
}

/**
 * Changes a password after checking the current one, then ends every other session of the user
 * (ASVS 7.4.3), keeping only `keepSessionId` (the browser that made the change).
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
  }: {
    userId: string;
    currentPassword: string;
    newPassword: string;
    confirmPassword: string;
    keepSessionId: string | null;
    cost: number;
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

  const limit = { key: throttleKeys.passwordCheck(userId), ...throttle };
  const reservation = await reserveAttempt(db, [limit]);
  if (!reservation.ok) {
    const wait = formatDuration(reservation.retryAfterSeconds);
    return { status: "error", message: `Too many wrong passwords. Please wait ${wait} and try again.` };
  }
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  // Over 72 bytes bcrypt would compare only the first 72 bytes, and no stored password is longer (ASVS 6.2.8).
  const tooLong = passwordByteLength(currentPassword) > PASSWORD_MAX_BYTES;
  let passwordHash: string;
  try {
    if (!user?.passwordHash || tooLong || !(await verifyPasswordAtCost(currentPassword, user.passwordHash, cost))) {
      return {
        status: "error",
        message: "Please fix the highlighted fields.",
        fieldErrors: { currentPassword: ["Your current password is not correct."] },
      };
    }
    await clearAttempts(db, [limit.key]);
    passwordHash = await hashPassword(newPassword, cost);
  } catch (error) {
    if (!(error instanceof PasswordPoolBusyError)) throw error;
    return { status: "error", message: "The server is busy right now. Please try again in a few seconds." };
  }
  await db.user.update({ where: { id: userId }, data: { passwordHash } });
  const ended = await revokeUserSessions(db, userId, keepSessionId ? { exceptId: keepSessionId } : {});
  return { status: "changed", endedSessions: ended };
}
