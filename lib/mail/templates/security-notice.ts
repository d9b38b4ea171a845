import { getEnv } from "../../env";
import { composeMail, type Block, type ComposedMail } from "./compose";
import { formatUtc, oneLine, partlyHidden } from "./words";

// "Something happened to your account" notices, sent to the account's (old) address after the fact.

export type SecurityNotice = {
  kind: "password-changed" | "email-changed" | "new-sign-in";
  at: Date;
  /** e.g. "Chrome 156 on Linux" (from the request's User-Agent). */
  browser: string;
  /** The client's IP address; "" when unknown (AUTH_TRUSTED_PROXY_HOPS=0). */
  address: string;
  /** email-changed: the account's new address (shown partly hidden: the old mailbox may be someone else's now). */
  newEmail?: string;
  /** email-changed: the one-time link that puts the old address back, and how many days it works. */
  undoUrl?: string;
  undoDays?: number;
};

/** Where the app lets a signed-out user ask for a reset link. */
export const PASSWORD_RESET_PATH = "/forgot-password";

const SUBJECTS: Record<SecurityNotice["kind"], string> = {
  "password-changed": "Your password was changed",
  "email-changed": "The email address of your account was changed",
  "new-sign-in": "New sign-in to your account",
};

/**
 * `appUrl` is the app's public URL (AUTH_URL). It is never taken from a request: a forged Host header would put the
 * attacker's site into a real mail. Without it the notice says what to do, without a link.
 */
export function securityNoticeMessage(
  notice: SecurityNotice,
  { appUrl }: { appUrl?: string } = { appUrl: getEnv().AUTH_URL },
): ComposedMail {
  return composeMail(SUBJECTS[notice.kind], [{ text: whatHappened(notice) }, ifThisWasNotYou(notice, appUrl)]);
}

function whatHappened({ kind, at, browser, address, newEmail }: SecurityNotice): string {
  const where = `from ${oneLine(browser) || "an unknown browser"}${oneLine(address) ? ` (${oneLine(address)})` : ""}`;
  const when = `on ${formatUtc(at)} ${where}`;
  if (kind === "password-changed") return `Your password was changed ${when}.`;
  if (kind === "new-sign-in") return `There was a new sign-in to your account ${when}.`;
  const to = newEmail ? ` to ${partlyHidden(newEmail)}` : "";
  return `The email address of your account was changed${to} ${when}. This address no longer receives its mail.`;
}

function ifThisWasNotYou({ kind, undoUrl, undoDays }: SecurityNotice, appUrl: string | undefined): Block {
  // A reset link now goes to the new address: the undo link is the owner's way back.
  if (kind === "email-changed" && undoUrl)
    return {
      text: `If this wasn't you, undo the change within ${undoDays ?? 1} day${undoDays === 1 ? "" : "s"}: it puts this address back, signs everyone out and asks you for a new password.`,
      link: undoUrl,
    };
  if (kind === "email-changed") return { text: "If this wasn't you, contact the administrator of the site at once." };
  if (!appUrl) return { text: "If this wasn't you, reset your password at once from the sign-in page." };
  return { text: "If this wasn't you, reset your password:", link: new URL(PASSWORD_RESET_PATH, appUrl).toString() };
}
