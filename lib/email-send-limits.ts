import { formatDuration, reserveAttempt, throttleKeys, type Limit, type Reservation } from "./auth/throttle";
import type { Db } from "./db";
import type { Env } from "./env";

// Mail with a link costs a stranger nothing to ask for, so every request for one counts (reserved atomically, like
// a sign-in attempt) against the address it goes to and against the client address, whether or not an account
// exists there: the limit itself says nothing about accounts.

const HOUR = 60 * 60;

type SendLimitsEnv = Pick<Env, "AUTH_EMAIL_SEND_MAX" | "AUTH_EMAIL_ADDRESS_SEND_MAX">;

/** Counts one emailed link to `email` asked for from `ip` (null when the client address is unknown). */
export function reserveEmailSend(
  db: Db,
  env: SendLimitsEnv,
  { email, ip }: { email: string; ip: string | null },
): Promise<Reservation> {
  const perHour = (key: string, max: number): Limit => ({ key, max, windowSeconds: HOUR, lockoutSeconds: HOUR });
  const limits = [perHour(throttleKeys.emailTo(email), env.AUTH_EMAIL_SEND_MAX)];
  if (ip) limits.push(perHour(throttleKeys.emailFrom(ip), env.AUTH_EMAIL_ADDRESS_SEND_MAX));
  return reserveAttempt(db, limits);
}

export function tooManyEmailsMessage(retryAfterSeconds: number): string {
  return `Too many emails asked for; try again in ${formatDuration(retryAfterSeconds)}.`;
}
