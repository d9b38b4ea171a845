import "server-only";
import { issueEmailToken, revokeEmailTokens, type EmailTokenPurpose } from "./auth/email-tokens";
import { sendMail, type MailMessage } from "./mail";
import type { Db } from "./db";

// Mail whose point is a one-time link (confirm an address, reset a password).

export const COULD_NOT_SEND_MESSAGE = "We could not send the email. Please try again in a few minutes.";

type LinkMail = {
  userId: string;
  email: string;
  purpose: EmailTokenPurpose;
  ttlMinutes: number;
  /** The page the link opens, and the origin it is on (lib/link-origin.ts). */
  path: string;
  origin: string;
  compose: (link: { url: string; expiresInMinutes: number }) => Omit<MailMessage, "to">;
};

/**
 * Issues a link token and sends it. When the mail cannot be sent the token is withdrawn again, so nothing is left
 * half-done: either a working link is in the user's inbox, or nothing changed.
 */
export async function sendLinkMail(db: Db, mail: LinkMail): Promise<boolean> {
  const token = await issueEmailToken(db, {
    userId: mail.userId,
    purpose: mail.purpose,
    email: mail.email,
    ttlSeconds: mail.ttlMinutes * 60,
  });
  const url = new URL(mail.path, mail.origin);
  url.searchParams.set("token", token);
  const sent = await sendMail({
    to: mail.email,
    ...mail.compose({ url: url.toString(), expiresInMinutes: mail.ttlMinutes }),
  });
  if (!sent.ok) await revokeEmailTokens(db, mail.userId, [mail.purpose]);
  return sent.ok;
}

// Forgot password and resend confirmation look up the address and send after answering (lib/answered-requests.ts).
export { afterAnswering, answeredRequestsDone } from "./answered-requests";
