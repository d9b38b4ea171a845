import { composeMail, type ComposedMail } from "./compose";
import { formatDuration, oneLine } from "./words";

// Mail whose point is one link with a token: the link is the only place the token appears.

type LinkMail = { url: string; expiresInMinutes: number };

export function verifyEmailMessage({ url, expiresInMinutes }: LinkMail): ComposedMail {
  return composeMail("Confirm your email address", [
    { text: "Confirm your email address to finish setting up your account." },
    { button: "Confirm email address", url },
    { text: `The link expires in ${formatDuration(expiresInMinutes)}.` },
    { text: "If you did not create an account, you can ignore this email." },
  ]);
}

export function passwordResetMessage({ url, expiresInMinutes }: LinkMail): ComposedMail {
  return composeMail("Reset your password", [
    { text: "Someone asked to reset the password of your account. If it was you, choose a new password here:" },
    { button: "Choose a new password", url },
    { text: `The link expires in ${formatDuration(expiresInMinutes)}.` },
    { text: "If you did not ask for this, ignore this email: your password stays as it is." },
  ]);
}

/** Sent to the new address, to prove it belongs to the account's owner. */
export function emailChangeMessage({ url, newEmail, expiresInMinutes }: LinkMail & { newEmail: string }): ComposedMail {
  return composeMail("Confirm your new email address", [
    { text: `Confirm that ${oneLine(newEmail, 254)} should become the email address of your account.` },
    { button: "Confirm new address", url },
    {
      text: `The link expires in ${formatDuration(expiresInMinutes)}. Until you confirm, your account keeps its current address.`,
    },
    { text: "If you did not ask for this, ignore this email." },
  ]);
}
