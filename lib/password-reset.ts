import "server-only";
import { accountSecurityEvent } from "./account/security-event";
import { peekEmailToken, redeemEmailToken, type EmailTokenProblem } from "./auth/email-tokens";
import { clearAttempts, throttleKeys } from "./auth/throttle";
import type { Db } from "./db";
import type { Env } from "./env";
import { reserveEmailSend, tooManyEmailsMessage } from "./email-send-limits";
import { afterAnswering, sendLinkMail } from "./link-mail";
import { passwordResetMessage } from "./mail";
import { hashPassword, isPasswordPoolBusy, serverBusyMessage } from "./password";
import { newPasswordStrengthError } from "./password-strength";
import { noticePasswordChanged } from "./security-notices";
import { newPasswordSchema } from "./validation";

// Forgot password: a link with a one-time 256-bit token (only its hash stored) that expires after
// AUTH_PASSWORD_RESET_MINUTES, dies when a newer one is sent or the password changes, and on use sets the new
// password and confirms the address as a "password-reset" security event (lib/account/security-event.ts: every
// session, pending link and device cookie of the account ends), then sends a notice.

export const RESET_PASSWORD_PATH = "/reset-password";

type ResetEnv = Pick<
  Env,
  | "AUTH_PASSWORD_RESET_MINUTES"
  | "AUTH_EMAIL_SEND_MAX"
  | "AUTH_EMAIL_ADDRESS_SEND_MAX"
  | "AUTH_IPV6_PREFIX_BITS"
  | "AUTH_BCRYPT_COST"
>;

/**
 * Asks for a reset link. The answer and its timing are the same whether or not the address has an account: the
 * rate limit counts the asking, and the lookup and the mail happen after the answer.
 */
export async function requestPasswordReset(
  db: Db,
  env: ResetEnv,
  { email, ip, origin }: { email: string; ip: string | null; origin: string },
): Promise<{ ok: true } | { ok: false; message: string }> {
  const reservation = await reserveEmailSend(db, env, { email, ip });
  if (!reservation.ok) return { ok: false, message: tooManyEmailsMessage(reservation.retryAfterSeconds) };
  afterAnswering("reset-password", email, {
    lookup: async () => {
      const user = await db.user.findUnique({ where: { email }, select: { id: true, active: true } });
      return user?.active ? user : null;
    },
    send: async (user) => {
      const sent = await sendLinkMail(db, {
        userId: user.id,
        email,
        purpose: "reset-password",
        ttlMinutes: env.AUTH_PASSWORD_RESET_MINUTES,
        path: RESET_PASSWORD_PATH,
        origin,
        compose: passwordResetMessage,
      });
      if (!sent) console.error("[mail] a password-reset link could not be sent");
    },
  });
  return { ok: true };
}

export const LINK_PROBLEM_MESSAGES: Record<EmailTokenProblem, string> = {
  invalid: "This link is not valid. Check that you opened the whole link from the newest email, or ask for a new one.",
  expired: "This link has expired. Please ask for a new one.",
  used: "This link has already been used. If you need to, ask for a new one.",
};

/** Whether a reset link can still be used (the page shows the form, or says why not). */
export async function checkResetLink(db: Db, token: unknown): Promise<{ ok: true } | { ok: false; message: string }> {
  const peeked = await peekEmailToken(db, "reset-password", token);
  return peeked.ok ? { ok: true } : { ok: false, message: LINK_PROBLEM_MESSAGES[peeked.problem] };
}

type ResetResult =
  | { status: "changed"; endedSessions: number }
  | { status: "error"; message: string; fieldErrors?: Partial<Record<string, string[]>> };

const fieldError = (field: string, message: string): ResetResult => ({
  status: "error",
  message: "Please fix the highlighted fields.",
  fieldErrors: { [field]: [message] },
});

/**
 * Sets a new password with a reset link. Everything that can fail is checked before the link is used, so a weak
 * password or a busy server leaves the link working.
 */
export async function resetPassword(
  db: Db,
  env: ResetEnv,
  input: {
    token: unknown;
    newPassword: string;
    confirmPassword: string;
    meta: { userAgent: string | null; ip: string | null };
  },
): Promise<ResetResult> {
  const link = await peekEmailToken(db, "reset-password", input.token);
  if (!link.ok) return { status: "error", message: LINK_PROBLEM_MESSAGES[link.problem] };
  const parsed = newPasswordSchema.safeParse(input.newPassword);
  if (!parsed.success) return fieldError("newPassword", parsed.error.issues.map((i) => i.message).join(" "));
  if (input.newPassword !== input.confirmPassword) return fieldError("confirmPassword", "The passwords do not match.");
  const user = await db.user.findUnique({
    where: { id: link.token.userId },
    select: { id: true, email: true, name: true, active: true },
  });
  if (!user?.active) return { status: "error", message: LINK_PROBLEM_MESSAGES.invalid };

  let passwordHash: string;
  try {
    const weak = await newPasswordStrengthError(input.newPassword, user);
    if (weak) return fieldError("newPassword", weak);
    passwordHash = await hashPassword(input.newPassword, env.AUTH_BCRYPT_COST, {
      client: input.meta.ip,
      account: user.id,
    });
  } catch (error) {
    if (isPasswordPoolBusy(error)) return { status: "error", message: serverBusyMessage(error.retryAfterSeconds) };
    throw error;
  }

  const redeemed = await redeemEmailToken(db, "reset-password", input.token);
  if (!redeemed.ok) return { status: "error", message: LINK_PROBLEM_MESSAGES[redeemed.problem] };
  // Ends every session, every other pending link (a stranger's email change among them) and device cookie.
  const { endedSessions } = await accountSecurityEvent(db, {
    kind: "password-reset",
    userId: user.id,
    update: { passwordHash },
  });
  // Opening the link proved the mailbox is the owner's.
  await db.user.updateMany({
    where: { id: user.id, email: redeemed.token.email, emailVerified: null },
    data: { emailVerified: new Date() },
  });
  // A lockout from guesses at the old password is over: the owner has just proved control of the mailbox.
  await clearAttempts(db, [throttleKeys.account(user.email)]);
  noticePasswordChanged({ email: user.email }, { at: new Date(), ...input.meta });
  return { status: "changed", endedSessions };
}
