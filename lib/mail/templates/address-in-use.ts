import { composeMail, type ComposedMail } from "./compose";

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
