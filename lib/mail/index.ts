import "server-only";
import { getEnv, type Env } from "../env";
import { devMailboxAllowed, devMailboxTransport } from "./dev-mailbox";
import { createMailer, type Mailer } from "./mailer";
import type { MailMessage, SendResult } from "./message";
import { smtpTransport } from "./smtp-transport";
import type { MailTransport } from "./transport";

export type { MailMessage, SendResult } from "./message";
export { emailChangeMessage, passwordResetMessage, verifyEmailMessage } from "./templates/account-links";
export { accountExistsMessage, addressInUseMessage } from "./templates/address-in-use";
export { securityNoticeMessage } from "./templates/security-notice";

/** SMTP when SMTP_URL is set, else the development mailbox; production without SMTP_URL cannot start (lib/env.ts). */
export function transportFor(env: Pick<Env, "SMTP_URL" | "MAIL_FROM" | "MAIL_SEND_TIMEOUT_MS" | "NODE_ENV">) {
  if (env.SMTP_URL)
    return smtpTransport({ url: env.SMTP_URL, from: env.MAIL_FROM, timeoutMs: env.MAIL_SEND_TIMEOUT_MS });
  if (devMailboxAllowed(env)) return devMailboxTransport(env.MAIL_FROM);
  // Only reachable while `next build` prerenders: nothing may be sent, least of all into a mailbox in memory.
  const nowhere: MailTransport = { deliver: () => Promise.reject(new Error("SMTP_URL is not set")) };
  return nowhere;
}

// One per process (route bundles are separate module instances), so the queue bound holds for the process.
const globalForMailer = globalThis as unknown as { __starterMailer?: Mailer };

function mailer(): Mailer {
  if (!globalForMailer.__starterMailer) {
    const env = getEnv();
    globalForMailer.__starterMailer = createMailer({
      transport: transportFor(env),
      timeoutMs: env.MAIL_SEND_TIMEOUT_MS,
    });
  }
  return globalForMailer.__starterMailer;
}

/** Sends now and waits at most MAIL_SEND_TIMEOUT_MS; never throws; failures are logged (without the message body or any link/token). */
export async function sendMail(message: MailMessage): Promise<SendResult> {
  try {
    return await mailer().sendMail(message);
  } catch (error) {
    console.error(`[mail] not sent (unavailable): ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, reason: "unavailable" };
  }
}

/** Fire-and-forget for notices: a bounded in-process queue (drops and logs beyond its bound), same timeout per message. */
export function queueMail(message: MailMessage): void {
  try {
    mailer().queueMail(message);
  } catch (error) {
    console.error(`[mail] not queued: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Resolves once every queued notice was sent or given up on (tests; a graceful shutdown could await it too). */
export function whenMailQueueEmpty(): Promise<void> {
  return globalForMailer.__starterMailer?.whenQueueEmpty() ?? Promise.resolve();
}
