import type { MailMessage } from "./message";

/** Hands one message to wherever mail goes; rejects when it could not (the error says why). */
export type MailTransport = { deliver(message: MailMessage): Promise<void> };
