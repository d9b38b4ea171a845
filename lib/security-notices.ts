import "server-only";
import { browserInWords } from "./browser-name";
import { queueMail, securityNoticeMessage } from "./mail";
import type { SecurityNotice } from "./mail/templates/security-notice";

// "Something happened to your account" mail, sent after the fact to the address that should hear of it. Each is
// queued, never awaited: a notice must not slow down or fail the change it reports.

export type NoticeMeta = { at: Date; userAgent: string | null; ip: string | null };

type Extra = Pick<SecurityNotice, "newEmail" | "undoUrl" | "undoDays">;

function queueNotice(to: string, kind: SecurityNotice["kind"], meta: NoticeMeta, extra: Extra = {}): void {
  try {
    const browser = browserInWords(meta.userAgent) ?? "";
    const message = securityNoticeMessage({ kind, at: meta.at, browser, address: meta.ip ?? "", ...extra });
    queueMail({ to, ...message });
  } catch (error) {
    console.error(`[mail] ${kind} notice not queued: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function noticePasswordChanged({ email }: { email: string }, meta: NoticeMeta): void {
  queueNotice(email, "password-changed", meta);
}

/**
 * Goes to the OLD address, with the link that undoes the change: the new address was just proven to be the
 * account's, but whoever proved it may have taken the account over.
 */
export function noticeEmailChanged(
  {
    oldEmail,
    newEmail,
    undoUrl,
    undoDays,
  }: { oldEmail: string; newEmail: string; undoUrl: string | null; undoDays: number },
  meta: NoticeMeta,
): void {
  queueNotice(oldEmail, "email-changed", meta, { newEmail, undoUrl: undoUrl ?? undefined, undoDays });
}

export function noticeNewSignIn({ email }: { email: string }, meta: NoticeMeta): void {
  queueNotice(email, "new-sign-in", meta);
}
