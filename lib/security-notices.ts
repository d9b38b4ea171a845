import "server-only";
import { browserInWords } from "./browser-name";
import { queueMail, securityNoticeMessage } from "./mail";
import type { SecurityNotice } from "./mail/templates/security-notice";

// "Something happened to your account" mail, sent after the fact to the address that should hear of it. Each is
// queued, never awaited: a notice must not slow down or fail the change it reports.

export type NoticeMeta = { at: Date; userAgent: string | null; ip: string | null };

function queueNotice(to: string, kind: SecurityNotice["kind"], meta: NoticeMeta, newEmail?: string): void {
  try {
    const browser = browserInWords(meta.userAgent) ?? "";
    const message = securityNoticeMessage({ kind, at: meta.at, browser, address: meta.ip ?? "", newEmail });
    queueMail({ to, ...message });
  } catch (error) {
    console.error(`[mail] ${kind} notice not queued: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function noticePasswordChanged({ email }: { email: string }, meta: NoticeMeta): void {
  queueNotice(email, "password-changed", meta);
}

/** Goes to the OLD address: the new one was just proven to be the account's, the old one may have been taken over. */
export function noticeEmailChanged(
  { oldEmail, newEmail }: { oldEmail: string; newEmail: string },
  meta: NoticeMeta,
): void {
  queueNotice(oldEmail, "email-changed", meta, newEmail);
}

export function noticeNewSignIn({ email }: { email: string }, meta: NoticeMeta): void {
  queueNotice(email, "new-sign-in", meta);
}
