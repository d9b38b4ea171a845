import "server-only";
import { TimeoutError, withTimeout } from "../with-timeout";
import { maskAddress } from "./address";
import { withSafeHeaders, type MailMessage, type SendFailure, type SendResult } from "./message";
import { describeSmtpError, smtpFailureReason } from "./smtp-transport";
import { boundedQueue } from "./bounded-queue";
import type { MailTransport } from "./transport";

export type MailerSettings = {
  transport: MailTransport;
  /** Longest wait per message, whatever the transport does meanwhile. */
  timeoutMs: number;
  /** Queued notices waiting or being sent; more are dropped. */
  queueLimit?: number;
};

export type Mailer = {
  sendMail(message: MailMessage): Promise<SendResult>;
  queueMail(message: MailMessage): void;
  /** Queued messages not yet sent or given up on. */
  queued(): number;
  /** Resolves once the queue is empty (tests, shutdown). */
  whenQueueEmpty(): Promise<void>;
};

export const DEFAULT_QUEUE_LIMIT = 100;

export function createMailer({ transport, timeoutMs, queueLimit = DEFAULT_QUEUE_LIMIT }: MailerSettings): Mailer {
  async function sendMail(message: MailMessage): Promise<SendResult> {
    const safe = withSafeHeaders(message);
    if (!safe) {
      logFailure(message, "rejected", "the recipient is not one plain address");
      return { ok: false, reason: "rejected" };
    }
    try {
      await withTimeout(transport.deliver(safe), timeoutMs);
      return { ok: true };
    } catch (error) {
      const reason = error instanceof TimeoutError ? "timeout" : smtpFailureReason(error);
      logFailure(safe, reason, describeSmtpError(error));
      return { ok: false, reason };
    }
  }

  const queue = boundedQueue(queueLimit, async (message: MailMessage) => void (await sendMail(message)));

  return {
    sendMail,
    queueMail(message) {
      if (!queue.push(message)) console.warn(`[mail] dropped, the queue is full (${queueLimit}): ${describe(message)}`);
    },
    queued: queue.size,
    whenQueueEmpty: queue.whenIdle,
  };
}

function logFailure(message: MailMessage, reason: SendFailure, detail: string): void {
  console.warn(`[mail] not sent (${reason}): ${describe(message)}: ${detail}`);
}

// Never the body: it holds the link and its token. JSON quoting keeps a stray line break from forging log lines.
function describe(message: MailMessage): string {
  return `${JSON.stringify(message.subject.slice(0, 120))} to ${maskAddress(message.to)}`;
}
