import "server-only";
import { randomUUID } from "node:crypto";
import type { Env } from "../env";
import type { Mailbox } from "./address";
import type { MailMessage } from "./message";
import type { MailTransport } from "./transport";

// Development without SMTP_URL: mail is kept in memory and shown at /dev/mailbox, and its links are printed, so a
// verification or reset link is one click away. Never in production, production builds included (lib/env.ts).

export type DevMail = MailMessage & { id: string; from: string; sentAt: Date };

/** Whether the development mailbox may exist: its pages, and the transport that keeps mail and prints links. */
export function devMailboxAllowed(env: Pick<Env, "NODE_ENV">): boolean {
  return env.NODE_ENV !== "production";
}

const KEPT = 100;

// On globalThis: the page that lists the mail and the code that sends it are separate module instances.
const globalForMailbox = globalThis as unknown as { __devMailbox?: DevMail[] };
const kept = (globalForMailbox.__devMailbox ??= []);

/** The last 100 messages, newest first. */
export function devMailbox(): readonly DevMail[] {
  return kept;
}

export function devMail(id: string): DevMail | undefined {
  return kept.find((mail) => mail.id === id);
}

/** The http(s) links in a text, in order. */
export function linksIn(text: string): string[] {
  return text.match(/\bhttps?:\/\/[^\s<>"]+/g) ?? [];
}

export function devMailboxTransport(from: Mailbox): MailTransport {
  const sender = from.name ? `${from.name} <${from.address}>` : from.address;
  return {
    async deliver(message) {
      const mail: DevMail = { ...message, id: randomUUID(), from: sender, sentAt: new Date() };
      kept.unshift(mail);
      kept.splice(KEPT);
      console.info(`[mail] dev mailbox: "${mail.subject}" to ${mail.to} (/dev/mailbox/${mail.id})`);
      for (const link of linksIn(mail.text)) console.info(`[mail]   ${link}`);
    },
  };
}
