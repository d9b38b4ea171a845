import "server-only";
import type { Db } from "./db";
import type { Env } from "./env";
import { reserveEmailSend, tooManyEmailsMessage } from "./email-send-limits";
import { afterAnswering, sendLinkMail } from "./link-mail";
import { verifyEmailMessage } from "./mail";

// Confirming that an account's owner reads its address (AUTH_EMAIL_VERIFICATION): a link sent at registration
// (and again on request) sets User.emailVerified when it is confirmed with the account's password
// (lib/confirm-sign-up.ts).

export const VERIFY_EMAIL_PATH = "/verify-email";

type VerificationEnv = Pick<
  Env,
  "AUTH_EMAIL_LINK_MINUTES" | "AUTH_EMAIL_SEND_MAX" | "AUTH_EMAIL_ADDRESS_SEND_MAX" | "AUTH_IPV6_PREFIX_BITS"
>;

/** Sends a confirmation link to the account's address; false when the mail could not be sent (nothing left over). */
export function sendVerificationLink(
  db: Db,
  env: VerificationEnv,
  { user, origin }: { user: { id: string; email: string }; origin: string },
): Promise<boolean> {
  return sendLinkMail(db, {
    userId: user.id,
    email: user.email,
    purpose: "verify-email",
    ttlMinutes: env.AUTH_EMAIL_LINK_MINUTES,
    path: VERIFY_EMAIL_PATH,
    origin,
    compose: verifyEmailMessage,
  });
}

/**
 * "Send me a new link": the same answer for every address, whether it has an account, is confirmed already or
 * is unknown; only the rate limit (which counts the asking, not accounts) can refuse.
 */
export async function requestVerificationLink(
  db: Db,
  env: VerificationEnv,
  { email, ip, origin }: { email: string; ip: string | null; origin: string },
): Promise<{ ok: true } | { ok: false; message: string }> {
  const reservation = await reserveEmailSend(db, env, { email, ip });
  if (!reservation.ok) return { ok: false, message: tooManyEmailsMessage(reservation.retryAfterSeconds) };
  afterAnswering("verify-email", email, {
    lookup: async () => {
      const user = await db.user.findUnique({
        where: { email },
        select: { id: true, emailVerified: true, active: true },
      });
      return user && !user.emailVerified && user.active ? user : null;
    },
    send: async (user) => {
      if (!(await sendVerificationLink(db, env, { user: { id: user.id, email }, origin })))
        console.error("[mail] a confirmation link could not be sent");
    },
  });
  return { ok: true };
}
