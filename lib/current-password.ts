import { clearAttempts, formatDuration, reserveAttempt, throttleKeys, type Limit } from "./auth/throttle";
import type { Db } from "./db";
import {
  admitPasswordWork,
  PASSWORD_MAX_BYTES,
  passwordByteLength,
  serverBusyMessage,
  verifyPasswordAtCost,
  type PasswordTicket,
} from "./password";

// "Type your current password" before a sensitive change on /account. The current password is a guessable secret
// like the sign-in password, so the same throttle counts guesses, reserved before the bcrypt compare so that
// concurrent guesses cannot outrun the limit. A slot in the hashing queue is taken before that reservation, so an
// answer "busy" never costs the owner an attempt (nor, repeated, locks them out).

export type CurrentPasswordCheck =
  | { ok: true; email: string }
  | { ok: false; problem: "wrong" }
  | { ok: false; problem: "throttled" | "busy"; message: string };

export const WRONG_CURRENT_PASSWORD_MESSAGE = "Your current password is not correct.";

type CheckInput = { userId: string; currentPassword: string; cost: number; client?: string | null };

/** `client`: the request's client address (clientIp()) when known: it bounds the hashing one client may queue. */
export async function checkCurrentPassword(
  db: Db,
  input: CheckInput,
  throttle: Omit<Limit, "key">,
): Promise<CurrentPasswordCheck> {
  const ticket = admitPasswordWork({ client: input.client ?? null, account: input.userId });
  if (!ticket) return { ok: false, problem: "busy", message: serverBusyMessage() };
  try {
    return await reserveAndCompare(db, input, throttle, ticket);
  } finally {
    ticket.release();
  }
}

async function reserveAndCompare(
  db: Db,
  { userId, currentPassword, cost }: CheckInput,
  throttle: Omit<Limit, "key">,
  ticket: PasswordTicket,
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
  // Never refused as busy: the ticket holds its slot.
  if (!user?.passwordHash || tooLong || !(await verifyPasswordAtCost(currentPassword, user.passwordHash, cost, ticket)))
    return { ok: false, problem: "wrong" }; // the reserved attempt stays counted
  await clearAttempts(db, [limit.key]);
  return { ok: true, email: user.email };
}
