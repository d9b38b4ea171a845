import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseEnv } from "../../lib/env";
import { transportFor } from "../../lib/mail";
import { createMailer } from "../../lib/mail/mailer";
import type { MailMessage } from "../../lib/mail/message";
import { verifyEmailMessage } from "../../lib/mail/templates/account-links";
import { startMailCatcher, type MailCatcher } from "../../harness/mail-catcher";

// lib/mail against a real SMTP server on a real socket (harness/mail-catcher.ts): what arrives, and what a
// refused, silent or refusing server costs the caller.

// Where the server is meant to be slow, the timeout is short; where it is meant to work, it is long enough for a
// loaded machine, so only a real failure fails those tests.
const TIMEOUT_MS = 500;
const WORKING_TIMEOUT_MS = 10_000;
// Timers and the event loop under load: a timeout may fire a little late, never early.
const SLACK_MS = 500;

let catcher: MailCatcher;
beforeAll(async () => {
  catcher = await startMailCatcher();
});
afterAll(() => catcher.stop());
afterEach(() => {
  catcher.setMode("accept");
  vi.restoreAllMocks();
});

function mailerFor(
  smtpUrl: string,
  { timeoutMs = WORKING_TIMEOUT_MS, queueLimit }: { timeoutMs?: number; queueLimit?: number } = {},
) {
  const env = parseEnv({
    NODE_ENV: "test",
    SMTP_URL: smtpUrl,
    MAIL_FROM: "Auth Starter <no-reply@starter.example>",
    MAIL_SEND_TIMEOUT_MS: String(timeoutMs),
  });
  return createMailer({ transport: transportFor(env), timeoutMs: env.MAIL_SEND_TIMEOUT_MS, queueLimit });
}

const note = (to: string, subject = "Notice"): MailMessage => ({ to, subject, text: "Hello", html: "<p>Hello</p>" });

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

describe("sending over SMTP", () => {
  it("delivers the text and HTML parts from MAIL_FROM, logging in with the URL's credentials", async () => {
    const url = "https://app.example.com/verify-email?token=abc123&next=%2F";
    const mailer = mailerFor(catcher.url.replace("smtp://", "smtp://apikey:s3cret@"));
    expect(
      await mailer.sendMail({ to: "Reader@Example.com", ...verifyEmailMessage({ url, expiresInMinutes: 30 }) }),
    ).toEqual({
      ok: true,
    });
    const mail = await catcher.waitFor({ to: "reader@example.com", subject: /Confirm your email address/ });
    expect(mail.headers.from).toBe("Auth Starter <no-reply@starter.example>");
    expect(mail.envelopeFrom).toBe("no-reply@starter.example");
    expect(mail.authenticatedAs).toBe("apikey");
    expect(mail.text).toContain(url);
    expect(mail.html).toContain(`href="${url.replace("&", "&amp;")}"`);
    expect(mail.headers["content-type"]).toMatch(/^multipart\/alternative/);
  });

  it("a line break in the subject cannot add a header or a recipient", async () => {
    const mailer = mailerFor(catcher.url);
    const result = await mailer.sendMail(note("victim@example.com", "Hi\r\nBcc: attacker@evil.test"));
    expect(result).toEqual({ ok: true });
    const mail = await catcher.waitFor({ to: "victim@example.com", subject: /^Hi Bcc/ });
    expect(mail.to).toEqual(["victim@example.com"]);
    expect(mail.headers.bcc).toBeUndefined();
    expect(mail.subject).toBe("Hi Bcc: attacker@evil.test");
  });

  it("a recipient the server refuses (550) is 'rejected'", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    catcher.setMode("reject");
    expect(await mailerFor(catcher.url).sendMail(note("nobody@example.com"))).toEqual({
      ok: false,
      reason: "rejected",
    });
  });
});

describe("a server that is down or silent", () => {
  it("refused connection: 'unavailable' at once, logged without the body", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const stopped = await startMailCatcher();
    await stopped.stop();
    const { result, ms } = await timed(() =>
      mailerFor(stopped.url, { timeoutMs: TIMEOUT_MS }).sendMail({
        ...note("a@example.com", "Reset"),
        text: "https://x.test/?token=SECRET",
      }),
    );
    expect(result).toEqual({ ok: false, reason: "unavailable" });
    expect(ms).toBeLessThan(TIMEOUT_MS);
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0][0]);
    expect(line).toMatch(/^\[mail\] not sent \(unavailable\): "Reset" to …@example\.com: .*ECONNREFUSED/);
    expect(line).not.toContain("SECRET");
  });

  it("accepts the connection but never greets: 'timeout' after MAIL_SEND_TIMEOUT_MS, not later", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    catcher.setMode("stall");
    const { result, ms } = await timed(() =>
      mailerFor(catcher.url, { timeoutMs: TIMEOUT_MS }).sendMail(note("slow@example.com")),
    );
    expect(result).toEqual({ ok: false, reason: "timeout" });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });
});

describe("queueMail", () => {
  it("never makes the caller wait, sends in order, and drops (and logs) what is beyond its bound", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const mailer = mailerFor(catcher.url, { queueLimit: 5 });
    const { ms } = await timed(async () => {
      for (let n = 0; n < 8; n++) mailer.queueMail(note(`queued${n}@example.com`, `Queued ${n}`));
    });
    expect(ms).toBeLessThan(50);
    expect(mailer.queued()).toBe(5);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(String(warn.mock.calls[0][0])).toMatch(/^\[mail\] dropped, the queue is full \(5\): "Queued 5"/);
    await mailer.whenQueueEmpty();
    const arrived = (await catcher.messages()).filter((mail) => mail.subject.startsWith("Queued "));
    expect(arrived.map((mail) => mail.subject)).toEqual(["Queued 0", "Queued 1", "Queued 2", "Queued 3", "Queued 4"]);
  });

  it("a silent server holds each queued message for the timeout at most, then the queue moves on", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    catcher.setMode("stall");
    const mailer = mailerFor(catcher.url, { timeoutMs: TIMEOUT_MS, queueLimit: 3 });
    for (let n = 0; n < 3; n++) mailer.queueMail(note(`stalled${n}@example.com`));
    const { ms } = await timed(() => mailer.whenQueueEmpty());
    expect(ms).toBeLessThan(3 * (TIMEOUT_MS + SLACK_MS));
    expect(mailer.queued()).toBe(0);
    catcher.setMode("accept");
    mailer.queueMail(note("after-the-outage@example.com"));
    await catcher.waitFor({ to: "after-the-outage@example.com" });
  });
});
