import { composeMail, type ComposedMail } from "./compose";
import { formatDuration } from "./words";

/**
 * Sent instead of the confirmation link when someone asks to move their account to an address that already has
 * one. The person asking sees the same answer either way, so only the address's owner learns of it.
 */
export function addressInUseMessage(): ComposedMail {
  return composeMail("Someone tried to use your email address", [
    {
      text: "Someone signed in to another account here asked to change that account's email address to this one. This address already belongs to your account, so nothing was changed.",
    },
    { text: "You do not need to do anything. Your account and its password stay as they are." },
  ]);
}

/**
 * Sent instead of a confirmation link when someone signs up with an address that already has an account. The
 * person signing up sees the same answer either way; the owner gets a way back in, never the password typed by
 * whoever signed up (an account made before its owner arrived must not keep a stranger's password).
 */
export function accountExistsMessage({
  signInUrl,
  reset,
}: {
  signInUrl: string;
  /** A password-reset link; none for a disabled account. */
  reset: { url: string; expiresInMinutes: number } | null;
}): ComposedMail {
  return composeMail("Someone tried to sign up with your email address", [
    {
      text: "Someone tried to create an account here with this email address. It already has an account, so no new account was made and nothing was changed.",
    },
    ...(reset
      ? [
          { text: "If it was you, sign in with your password:", link: signInUrl },
          { text: "Forgotten it? Choose a new password here:" },
          { button: "Choose a new password", url: reset.url },
          { text: `The link expires in ${formatDuration(reset.expiresInMinutes)}.` },
        ]
      : []),
    { text: "If it was not you, ignore this email: your account and its password stay as they are." },
  ]);
}
