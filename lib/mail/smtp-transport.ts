import "server-only";
import nodemailer from "nodemailer";
import type { Mailbox } from "./address";
import type { SendFailure } from "./message";
import type { MailTransport } from "./transport";

type SmtpSettings = { url: string; from: Mailbox; timeoutMs: number };

/**
 * Delivers over SMTP with nodemailer, one connection per message (mail is rare here; nothing idles open). Every
 * step nodemailer waits on has its own timeout, so a dead server also frees the socket, not only the caller.
 */
export function smtpTransport({ url, from, timeoutMs }: SmtpSettings): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    dnsTimeout: timeoutMs,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // The messages are strings built by the app; nodemailer never needs to read a file or fetch a URL for them.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async deliver(message) {
      await transporter.sendMail({ from, ...message });
    },
  };
}

type SmtpError = { code?: unknown; responseCode?: unknown };

/**
 * "rejected": the server refused this message or recipient for good (5xx). A refused login (EAUTH), a temporary
 * refusal (4xx) and every network failure are "unavailable": another try, or a fixed configuration, may work.
 */
export function smtpFailureReason(error: unknown): SendFailure {
  const { code, responseCode } = (error ?? {}) as SmtpError;
  if (code === "ETIMEDOUT") return "timeout";
  if (code !== "EAUTH" && typeof responseCode === "number" && responseCode >= 500) return "rejected";
  return "unavailable";
}

/** What a log line may say about an SMTP failure: codes and the first line, links cut out. */
export function describeSmtpError(error: unknown): string {
  const { code, responseCode } = (error ?? {}) as SmtpError;
  const firstLine = (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 200);
  const codes = [code, responseCode].filter((part) => typeof part === "string" || typeof part === "number");
  return [...codes, firstLine.replace(/\bhttps?:\/\/\S+/g, "<link>")].join(" ");
}
