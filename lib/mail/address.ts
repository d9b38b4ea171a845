import { z } from "zod";

// Mail addresses as the app handles them: one plain address per recipient, and "Name <address>" for the sender.
// No "server-only": lib/env.ts validates MAIL_FROM with this, and scripts import lib/env.ts.

// The WHATWG form validator's rule: allows `name@localhost`, which the development default uses.
const plainAddress = z.email({ pattern: z.regexes.html5Email });

export type Mailbox = { name: string; address: string };

/** True for exactly one plain address: no display name, no list, no line breaks (nothing to inject a header with). */
export function isPlainAddress(value: string): boolean {
  return plainAddress.safeParse(value).success;
}

/** `address` or `Name <address>` (the name may be quoted); null for anything else. */
export function parseMailbox(value: string): Mailbox | null {
  if (/[\r\n]/.test(value)) return null;
  const named = /^\s*(.*?)\s*<([^<>]*)>\s*$/.exec(value);
  const name = named ? named[1].replace(/^"(.*)"$/, "$1").trim() : "";
  const address = named ? named[2].trim() : value.trim();
  if (/["<>]/.test(name) || !isPlainAddress(address)) return null;
  return { name, address };
}

/** For logs: the recipient's domain only (`…@example.com`), enough to tell a provider's problem from a typo. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf("@");
  return at === -1 ? "…" : `…${address.slice(at)}`;
}
