import { formatDuration, reserveAttempt, throttleKeys, type Limit, type Reservation } from "./auth/throttle";
import { addressBucket } from "./client-ip";
import type { Db } from "./db";
import type { Env } from "./env";

// Mail with a link costs a stranger nothing to ask for, so every request for one counts (reserved atomically, like
// a sign-in attempt) against the mailbox it goes to (without a +tag) and against the client address (its
// addressBucket()), whether or not an account exists there: the limit itself says nothing about accounts.

/** Both send limits count per hour, and a limit that has run full waits out the hour. */
export const EMAIL_SEND_WINDOW_SECONDS = 60 * 60;

type SendLimitsEnv = Pick<Env, "AUTH_EMAIL_SEND_MAX" | "AUTH_EMAIL_ADDRESS_SEND_MAX" | "AUTH_IPV6_PREFIX_BITS">;

/** Counts one emailed link to `email` asked for from `ip` (null when the client address is unknown). */
export function reserveEmailSend(
  db: Db,
  env: SendLimitsEnv,
  { email, ip }: { email: string; ip: string | null },
): Promise<Reservation> {
  const perHour = (key: string, max: number): Limit => ({
    key,
    max,
    windowSeconds: EMAIL_SEND_WINDOW_SECONDS,
    lockoutSeconds: EMAIL_SEND_WINDOW_SECONDS,
  });
  const limits = [perHour(throttleKeys.emailTo(email), env.AUTH_EMAIL_SEND_MAX)];
  const bucket = addressBucket(ip, env.AUTH_IPV6_PREFIX_BITS);
  if (bucket) limits.push(perHour(throttleKeys.emailFrom(bucket), env.AUTH_EMAIL_ADDRESS_SEND_MAX));
  return reserveAttempt(db, limits);
}

export function tooManyEmailsMessage(retryAfterSeconds: number): string {
  return `Too many emails asked for; try again in ${formatDuration(retryAfterSeconds)}.`;
}
