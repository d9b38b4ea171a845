import { isPlainAddress } from "./address";

export type MailMessage = { to: string; subject: string; text: string; html: string };

export type SendResult = { ok: true } | { ok: false; reason: "unavailable" | "timeout" | "rejected" };

export type SendFailure = Extract<SendResult, { ok: false }>["reason"];

/**
 * The message as it may go out, or null when `to` is not exactly one plain address. A line break in a header
 * would start a header of its own (Bcc: …), and a list would add recipients, so `to` is refused and the subject
 * is put on one line.
 */
export function withSafeHeaders(message: MailMessage): MailMessage | null {
  const to = message.to.trim();
  if (!isPlainAddress(to)) return null;
  return { ...message, to, subject: message.subject.replace(/[\r\n]+/g, " ").trim() };
}
