import "server-only";
import { issueEmailToken, revokeEmailTokens, type EmailTokenPurpose } from "./auth/email-tokens";
import { boundedQueue } from "./mail/bounded-queue";
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

// Requests that must not reveal whether an account exists (forgot password, resend confirmation) answer at once,
// the same way for every address; the lookup and the mail happen here, after the answer. Bounded: past it a
// request is dropped and logged (the user can ask again).
const LATER_LIMIT = 200;
const globalForLater = globalThis as unknown as { __linkMailLater?: ReturnType<typeof laterQueue> };

function laterQueue() {
  return boundedQueue<() => Promise<void>>(LATER_LIMIT, async (job) => {
    try {
      await job();
    } catch (error) {
      console.error(`[mail] a requested link was not sent: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** Runs `job` after the response, one at a time per process. */
export function afterAnswering(job: () => Promise<void>): void {
  const queue = (globalForLater.__linkMailLater ??= laterQueue());
  if (!queue.push(job)) console.error("[mail] too many link requests queued; one was dropped");
}

/** Resolves once every queued request has been handled (tests). */
export function answeredRequestsDone(): Promise<void> {
  return globalForLater.__linkMailLater?.whenIdle() ?? Promise.resolve();
}
