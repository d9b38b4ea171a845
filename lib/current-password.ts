import { clearAttempts, formatDuration, reserveAttempt, throttleKeys, type Limit } from "./auth/throttle";
import type { Db } from "./db";
import { PASSWORD_MAX_BYTES, passwordByteLength, PasswordPoolBusyError, verifyPasswordAtCost } from "./password";

// "Type your current password" before a sensitive change on /account. The current password is a guessable secret
// like the sign-in password, so the same throttle counts guesses, reserved before the bcrypt compare so that
// concurrent guesses cannot outrun the limit.

export type CurrentPasswordCheck =
  | { ok: true; email: string }
  | { ok: false; problem: "wrong" }
  | { ok: false; problem: "throttled" | "busy"; message: string };

export const WRONG_CURRENT_PASSWORD_MESSAGE = "Your current password is not correct.";
export const SERVER_BUSY_MESSAGE = "The server is busy right now. Please try again in a few seconds.";

export async function checkCurrentPassword(
  db: Db,
  { userId, currentPassword, cost }: { userId: string; currentPassword: string; cost: number },
  throttle: Omit<Limit, "key">,
): Promise<CurrentPasswordCheck> {
  const limit = { key: throttleKeys.passwordCheck(userId), ...throttle };
  const reservation = await reserveAttempt(db, [limit]);
  if (!reservation.ok) {
    const wait = formatDuration(reservation.retryAfterSeconds);
    return { ok: false, problem: "throttled", message: `Too many wrong passwords. Please wait ${wait} and try again.` };
  }
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  // Over 72 bytes bcrypt would compare only the first 72 bytes, and no stored password is longer (ASVS 6.2.8).
  const tooLong = passwordByteLength(currentPassword) > PASSWORD_MAX_BYTES;
  try {
    if (!user?.passwordHash || tooLong || !(await verifyPasswordAtCost(currentPassword, user.passwordHash, cost)))
      return { ok: false, problem: "wrong" }; // the reserved attempt stays counted
  } catch (error) {
    if (!(error instanceof PasswordPoolBusyError)) throw error;
    return { ok: false, problem: "busy", message: SERVER_BUSY_MESSAGE };
  }
  await clearAttempts(db, [limit.key]);
  return { ok: true, email: user.email };
}
