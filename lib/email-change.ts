import "server-only";
import { accountSecurityEvent } from "./account/security-event";
import { issueEmailToken, redeemEmailToken, type EmailTokenProblem } from "./auth/email-tokens";
import type { Limit } from "./auth/throttle";
import { checkCurrentPassword, WRONG_CURRENT_PASSWORD_MESSAGE } from "./current-password";
import type { Db } from "./db";
import { reserveEmailSend, tooManyEmailsMessage } from "./email-send-limits";
import type { Env } from "./env";
import { sendLinkMail } from "./link-mail";
import { linkOrigin } from "./link-origin";
import { addressInUseMessage, emailChangeMessage, sendMail } from "./mail";
import { noticeEmailChanged, type NoticeMeta } from "./security-notices";
import { emailSchema } from "./validation";

// Moving an account to a new address, in two steps. On /account the owner types the new address and the current
// password; a link goes to the new address. The change happens only when that link is opened and its page's
// button pressed (a POST: mail scanners open GET links). Whether an address already has an account is never
// shown to the person asking: they get the same answer, and the address's owner gets a note instead of a link.

export const CONFIRM_EMAIL_CHANGE_PATH = "/confirm-email-change";

type Problem = { status: "error"; message: string; fieldErrors?: Partial<Record<string, string[]>> };
export type EmailChangeRequest = { status: "sent"; message: string } | Problem;

export const SEND_FAILED_MESSAGE = "We could not send the email; please try again.";
export const NO_LINK_MESSAGE =
  "The confirmation link could not be made (the site's address is not configured), so nothing was sent. Please contact the administrator.";

export function checkNewInboxMessage(email: string): string {
  return `Check the inbox of ${email}: open the link we sent there to confirm the change. Until then your account keeps its current address.`;
}

const fix = (fieldErrors: Problem["fieldErrors"]): Problem => ({
  status: "error",
  message: "Please fix the highlighted fields.",
  fieldErrors,
});

let warnedNoLink = false;
function warnNoLinkOnce() {
  if (warnedNoLink) return;
  warnedNoLink = true;
  console.error("[mail] email-change links cannot be made: set AUTH_URL (or list the host in AUTH_LINK_HOSTS)");
}

export async function requestEmailChange(
  db: Db,
  env: Pick<
    Env,
    "AUTH_EMAIL_LINK_MINUTES" | "AUTH_EMAIL_SEND_MAX" | "AUTH_EMAIL_ADDRESS_SEND_MAX" | "AUTH_IPV6_PREFIX_BITS"
  >,
  {
    userId,
    newEmail: typed,
    currentPassword,
    cost,
    ip,
  }: { userId: string; newEmail: string; currentPassword: string; cost: number; ip: string | null },
  /** The throttle of the current password: the sign-in limits (like changePassword). */
  throttle: Omit<Limit, "key">,
  findOrigin: () => Promise<string | null> = linkOrigin,
): Promise<EmailChangeRequest> {
  const parsed = emailSchema.safeParse(typed);
  if (!parsed.success) return fix({ newEmail: parsed.error.issues.map((issue) => issue.message) });
  const newEmail = parsed.data;
  if (!currentPassword) return fix({ currentPassword: ["Enter your current password."] });

  const check = await checkCurrentPassword(db, { userId, currentPassword, cost, client: ip }, throttle);
  if (!check.ok) {
    if (check.problem !== "wrong") return { status: "error", message: check.message };
    return fix({ currentPassword: [WRONG_CURRENT_PASSWORD_MESSAGE] });
  }
  if (check.email === newEmail) return fix({ newEmail: ["That is already your email address."] });

  // From here on, nothing may depend on whether the address has an account until the answer is the same: the
  // link is checked first, and the send limit counts every request, or either would answer differently.
  const origin = await findOrigin();
  if (!origin) {
    warnNoLinkOnce();
    return { status: "error", message: NO_LINK_MESSAGE };
  }
  const reservation = await reserveEmailSend(db, env, { email: newEmail, ip });
  if (!reservation.ok) return { status: "error", message: tooManyEmailsMessage(reservation.retryAfterSeconds) };

  // The request itself withdraws a link sent earlier for another address.
  await accountSecurityEvent(db, { kind: "email-change-requested", userId });
  const taken = await db.user.findUnique({ where: { email: newEmail }, select: { id: true } });
  if (taken) {
    // A mail is sent in this case too, so the answer takes as long as when a link goes out.
    const sent = await sendMail({ to: newEmail, ...addressInUseMessage() });
    return sent.ok ? { status: "sent", message: checkNewInboxMessage(newEmail) } : sendFailed();
  }

  // Nothing half-done: a link that could not be sent is withdrawn again.
  const sent = await sendLinkMail(db, {
    userId,
    email: newEmail,
    purpose: "change-email",
    ttlMinutes: env.AUTH_EMAIL_LINK_MINUTES,
    path: CONFIRM_EMAIL_CHANGE_PATH,
    origin,
    compose: ({ url, expiresInMinutes }) => emailChangeMessage({ url, newEmail, expiresInMinutes }),
  });
  return sent ? { status: "sent", message: checkNewInboxMessage(newEmail) } : sendFailed();
}

function sendFailed(): Problem {
  return { status: "error", message: SEND_FAILED_MESSAGE };
}

export type EmailChangeConfirmation =
  | {
      status: "changed";
      email: string;
      /** The account's credential epoch after the change (null: nothing changed). */
      credentialEpoch: number | null;
      /** Whether the browser that confirmed stays signed in (it was signed in to this account). */
      staysSignedIn: boolean;
    }
  | { status: "error"; problem: EmailTokenProblem | "taken"; message: string };

const LINK_PROBLEMS: Record<EmailTokenProblem, string> = {
  invalid:
    "This link is not valid. Open the whole link from the most recent email (a new link replaces the older ones), or ask for a new one on your account page. Your email address was not changed.",
  expired: "This link has expired. Ask for a new one on your account page. Your email address was not changed.",
  used: "This link was already used. Each link works once; if your address did not change, ask for a new link on your account page.",
};

export function linkProblemMessage(problem: EmailTokenProblem): string {
  return LINK_PROBLEMS[problem];
}

const TAKEN_MESSAGE =
  "This address now belongs to another account, so your email address was not changed. You can ask for a change to a different address on your account page.";

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export const UNDO_EMAIL_CHANGE_PATH = "/undo-email-change";

/**
 * Applies a change-email link as an "email-changed" security event: the account's sign-in address and its
 * recovery channel change, so every session ends except the one of the browser confirming when it is signed in to
 * this account (`signedIn`), and every pending link and device cookie stops working. The old address gets a
 * notice with an undo link (valid AUTH_EMAIL_UNDO_DAYS, once) that no later change made from the new address
 * can withdraw.
 */
export async function confirmEmailChange(
  db: Db,
  env: Pick<Env, "AUTH_EMAIL_UNDO_DAYS">,
  {
    token,
    signedIn,
    requestMeta,
  }: {
    token: unknown;
    signedIn: { userId: string; sessionId: string } | null;
    requestMeta: Omit<NoticeMeta, "at">;
  },
  findOrigin: () => Promise<string | null> = linkOrigin,
): Promise<EmailChangeConfirmation> {
  const redeemed = await redeemEmailToken(db, "change-email", token);
  if (!redeemed.ok) return { status: "error", problem: redeemed.problem, message: LINK_PROBLEMS[redeemed.problem] };
  const { userId, email: newEmail } = redeemed.token;
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, active: true } });
  if (!user?.active) return { status: "error", problem: "invalid", message: LINK_PROBLEMS.invalid };
  const keep = signedIn?.userId === userId ? signedIn.sessionId : null;
  if (user.email === newEmail)
    return { status: "changed", email: newEmail, credentialEpoch: null, staysSignedIn: keep !== null };

  // The person confirming controls the new address (the link reached it), so saying it is taken reveals nothing
  // they could not learn from a password reset sent there.
  const owner = await db.user.findUnique({ where: { email: newEmail }, select: { id: true } });
  if (owner) return { status: "error", problem: "taken", message: TAKEN_MESSAGE };
  const now = new Date();
  let event;
  try {
    event = await accountSecurityEvent(db, {
      kind: "email-changed",
      userId,
      keepSessionId: keep,
      update: { email: newEmail, emailVerified: now },
    });
  } catch (error) {
    // Another account took the address between the check and the update.
    if (isUniqueViolation(error)) return { status: "error", problem: "taken", message: TAKEN_MESSAGE };
    throw error;
  }
  const undoUrl = await undoLink(db, env, { userId, oldEmail: user.email }, findOrigin);
  noticeEmailChanged(
    { oldEmail: user.email, newEmail, undoUrl, undoDays: env.AUTH_EMAIL_UNDO_DAYS },
    { at: now, ...requestMeta },
  );
  return { status: "changed", email: newEmail, credentialEpoch: event.credentialEpoch, staysSignedIn: keep !== null };
}

/** A one-time link for the old address that puts it back; null when no trustworthy origin is known. */
async function undoLink(
  db: Db,
  env: Pick<Env, "AUTH_EMAIL_UNDO_DAYS">,
  { userId, oldEmail }: { userId: string; oldEmail: string },
  findOrigin: () => Promise<string | null>,
): Promise<string | null> {
  const origin = await findOrigin();
  if (!origin) return null;
  const token = await issueEmailToken(db, {
    userId,
    purpose: "undo-email-change",
    email: oldEmail,
    ttlSeconds: env.AUTH_EMAIL_UNDO_DAYS * 24 * 60 * 60,
  });
  const url = new URL(UNDO_EMAIL_CHANGE_PATH, origin);
  url.searchParams.set("token", token);
  return url.toString();
}

const UNDO_LINK_PROBLEMS: Record<EmailTokenProblem, string> = {
  invalid:
    "This link is not valid. Open the whole link from the email that told you of the change. If your address was changed without you and this does not work, contact the administrator of the site.",
  expired: "This link has expired. If your address was changed without you, contact the administrator of the site.",
  used: "This link was already used: the change it was sent for has been undone.",
};

export function undoLinkProblemMessage(problem: EmailTokenProblem): string {
  return UNDO_LINK_PROBLEMS[problem];
}

export type EmailChangeUndo =
  | { status: "undone"; email: string; resetToken: string }
  | { status: "error"; problem: EmailTokenProblem | "taken"; message: string };

const UNDO_TAKEN_MESSAGE =
  "This address now belongs to another confirmed account, so it could not be put back. Please contact the administrator of the site.";

/**
 * "This wasn't me": the old address's undo link puts the address back as an "email-change-undone" security event
 * (every session, link and device cookie ends) and clears the password, which whoever made the change knew. The
 * person holding the link has just proven control of the old mailbox, so they go straight on to choose a new
 * password with the returned reset token.
 */
export async function undoEmailChange(
  db: Db,
  env: Pick<Env, "AUTH_PASSWORD_RESET_MINUTES">,
  { token }: { token: unknown },
): Promise<EmailChangeUndo> {
  const redeemed = await redeemEmailToken(db, "undo-email-change", token);
  if (!redeemed.ok)
    return { status: "error", problem: redeemed.problem, message: UNDO_LINK_PROBLEMS[redeemed.problem] };
  const { userId, email: oldEmail } = redeemed.token;
  const user = await db.user.findUnique({ where: { id: userId }, select: { active: true } });
  if (!user?.active) return { status: "error", problem: "invalid", message: UNDO_LINK_PROBLEMS.invalid };
  // An account someone signed up with the old address while it was free (never confirmed, never used) must not
  // block the way back: the mailbox's owner is the one asking.
  await db.user.deleteMany({
    where: { email: oldEmail, id: { not: userId }, emailVerified: null, sessions: { none: {} } },
  });
  try {
    await accountSecurityEvent(db, {
      kind: "email-change-undone",
      userId,
      update: { email: oldEmail, emailVerified: new Date(), passwordHash: null },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { status: "error", problem: "taken", message: UNDO_TAKEN_MESSAGE };
    throw error;
  }
  const resetToken = await issueEmailToken(db, {
    userId,
    purpose: "reset-password",
    email: oldEmail,
    ttlSeconds: env.AUTH_PASSWORD_RESET_MINUTES * 60,
  });
  return { status: "undone", email: oldEmail, resetToken };
}
