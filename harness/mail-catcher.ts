import { mkdtempSync, rmSync } from "node:fs";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import { eventually } from "./eventually";

// A real SMTP server for the tests. Each message it accepts is parsed and written as one JSON file into its
// directory, so processes that did not start it (e2e test workers, next to the runner's catcher) read the same
// mail with readMailbox(directory).

export type CaughtMail = {
  id: string;
  receivedAt: string;
  /** SMTP envelope recipients, lower case: who the mail really went to. */
  to: string[];
  /** The envelope sender (MAIL FROM). */
  envelopeFrom: string;
  /** The From header as parsed, e.g. `Auth Starter <no-reply@localhost>`. */
  from: string;
  subject: string;
  text: string;
  html: string;
  /** Every header line as sent (lower-case names; a repeated header keeps its last value). */
  headers: Record<string, string>;
  /** The user name the client logged in with, if it did. */
  authenticatedAs?: string;
};

export type MailMatch = { to: string; subject?: RegExp };

export type Mailbox = {
  directory: string;
  /** Every message received so far, oldest first. */
  messages(): Promise<CaughtMail[]>;
  /** The newest message to `match.to` (and matching `match.subject`), waiting up to `timeoutMs` for it. */
  waitFor(match: MailMatch, timeoutMs?: number): Promise<CaughtMail>;
};

/**
 * accept: receive mail. stall: accept TCP connections but never send the greeting (an SMTP server that hangs).
 * reject: answer every recipient with 550. A refused connection is a stopped catcher.
 */
export type CatcherMode = "accept" | "stall" | "reject";

export type MailCatcher = Mailbox & {
  url: string;
  port: number;
  setMode(mode: CatcherMode): void;
  stop(): Promise<void>;
};

export function readMailbox(directory: string): Mailbox {
  async function messages(): Promise<CaughtMail[]> {
    const names = (await readdir(directory).catch(() => [])).filter((name) => name.endsWith(".json")).sort();
    return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(directory, name), "utf8"))));
  }
  async function waitFor(match: MailMatch, timeoutMs = 10_000): Promise<CaughtMail> {
    const to = match.to.toLowerCase();
    const matches = (mail: CaughtMail) => mail.to.includes(to) && (!match.subject || match.subject.test(mail.subject));
    const found = await eventually(async () => (await messages()).filter(matches).at(-1), Boolean, timeoutMs);
    if (!found)
      throw new Error(
        `No mail to ${match.to}${match.subject ? ` matching ${match.subject}` : ""} within ${timeoutMs} ms`,
      );
    return found;
  }
  return { directory, messages, waitFor };
}

export type MailCatcherOptions = {
  /** Where the messages go (default: a new temporary directory, removed by stop()). */
  directory?: string;
  /** Let the process exit while the catcher still listens (a catcher nobody stops). */
  unref?: boolean;
};

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const ownDirectory = !options.directory;
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), "mail-catcher-"));
  let mode: CatcherMode = "accept";
  let received = 0;

  async function save(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const parsed = await simpleParser(stream);
    const { mailFrom, rcptTo } = session.envelope;
    const id = String(++received).padStart(6, "0");
    const mail: CaughtMail = {
      id,
      receivedAt: new Date().toISOString(),
      to: rcptTo.map((recipient) => recipient.address.toLowerCase()),
      envelopeFrom: mailFrom ? mailFrom.address : "",
      from: parsed.from?.text ?? "",
      subject: parsed.subject ?? "",
      text: parsed.text ?? "",
      html: typeof parsed.html === "string" ? parsed.html : "",
      headers: Object.fromEntries(
        parsed.headerLines.map(({ key, line }) => [key, line.slice(line.indexOf(":") + 1).trim()]),
      ),
      ...(session.user ? { authenticatedAs: String(session.user) } : {}),
    };
    // Written whole, then renamed: a reader never sees half a file.
    const file = join(directory, `${id}.json`);
    await writeFile(`${file}.tmp`, JSON.stringify(mail));
    await rename(`${file}.tmp`, file);
  }

  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    // Plain SMTP on loopback: STARTTLS would offer a self-signed certificate that nodemailer rightly refuses.
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    closeTimeout: 100,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    // A stalled connection's callback is never called, so it never gets its greeting.
    onConnect: (_session, callback) => void (mode !== "stall" && callback()),
    onRcptTo: (_address, _session, callback) =>
      mode === "reject" ? callback(Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 })) : callback(),
    onData: (stream, session, callback) => {
      save(stream, session).then(() => callback(), callback);
    },
  });
  // Client sockets that reset are reported here; they concern the client, not the catcher.
  server.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  if (options.unref) server.server.unref();
  const port = (server.server.address() as AddressInfo).port;

  return {
    ...readMailbox(directory),
    url: `smtp://127.0.0.1:${port}`,
    port,
    setMode: (next) => void (mode = next),
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/** For environments parsed under production rules that never send mail (in-process bench setups, scripts under test). */
export const UNUSED_SMTP_URL = "smtp://mail.invalid:25";

let harnessCatcher: Promise<{ url: string } & Mailbox> | undefined;

/**
 * Where the servers this harness starts send their mail: the test run's catcher when the runner shares one
 * (TEST_SMTP_URL and TEST_MAIL_DIR, set by tests/support/run-tests.ts), else one of this process's own, started on
 * first use and left running until the process exits.
 */
export function harnessMailbox(): Promise<{ url: string } & Mailbox> {
  harnessCatcher ??= (async () => {
    const { TEST_SMTP_URL: url, TEST_MAIL_DIR: directory } = process.env;
    if (url && directory) return { url, ...readMailbox(directory) };
    const catcher = await startMailCatcher({ unref: true });
    process.once("exit", () => rmSync(catcher.directory, { recursive: true, force: true }));
    return catcher;
  })();
  return harnessCatcher;
}
