import { afterEach, describe, expect, it, vi } from "vitest";
import { parseEnv } from "../../lib/env";
import { sendMail, transportFor } from "../../lib/mail";
import { devMail, devMailbox, linksIn } from "../../lib/mail/dev-mailbox";
import { withSafeHeaders } from "../../lib/mail/message";

const message = (n: number) => ({
  to: `user${n}@example.com`,
  subject: `Message ${n}`,
  text: `Open https://app.example.com/verify?token=t${n} or https://app.example.com/help.`,
  html: "<p>hi</p>",
});

afterEach(() => vi.restoreAllMocks());

describe("development mailbox", () => {
  it("sendMail without SMTP_URL (not production) keeps the mail, newest first, and prints each link on a line", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    expect(await sendMail(message(1))).toEqual({ ok: true });
    expect(await sendMail(message(2))).toEqual({ ok: true });
    const [newest, previous] = devMailbox();
    expect(newest).toMatchObject({ ...message(2), from: "Auth Starter <no-reply@localhost>" });
    expect(previous.subject).toBe("Message 1");
    expect(devMail(newest.id)).toBe(newest);
    expect(devMail("no-such-id")).toBeUndefined();
    const lines = info.mock.calls.map(([line]) => String(line));
    expect(lines).toContain(`[mail] dev mailbox: "Message 2" to user2@example.com (/dev/mailbox/${newest.id})`);
    expect(lines).toContain("[mail]   https://app.example.com/verify?token=t2");
    expect(lines).toContain("[mail]   https://app.example.com/help.");
  });

  it("keeps the last 100 messages only", async () => {
    vi.spyOn(console, "info").mockImplementation(() => {});
    const transport = transportFor(parseEnv({ NODE_ENV: "development" }));
    for (let n = 0; n < 130; n++) await transport.deliver(message(n));
    expect(devMailbox()).toHaveLength(100);
    expect(devMailbox()[0].subject).toBe("Message 129");
    expect(devMailbox()[99].subject).toBe("Message 30");
  });

  it("is never used in production: without SMTP_URL there nothing is sent", async () => {
    const env = parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" });
    const before = devMailbox().length;
    await expect(transportFor(env).deliver(message(0))).rejects.toThrow(/SMTP_URL is not set/);
    expect(devMailbox()).toHaveLength(before);
  });

  it("finds the http(s) links of a text", () => {
    expect(linksIn("a https://x.test/a?b=1&c=2 b http://y.test\nmailto:z@z.test")).toEqual([
      "https://x.test/a?b=1&c=2",
      "http://y.test",
    ]);
  });
});

describe("headers", () => {
  it("the recipient must be exactly one plain address; the subject is put on one line", () => {
    expect(withSafeHeaders({ ...message(1), subject: "Hi\r\nBcc: evil@evil.test" })?.subject).toBe(
      "Hi Bcc: evil@evil.test",
    );
    for (const to of ["a@example.com, b@example.com", "a@example.com\r\nBcc: b@example.com", "A <a@example.com>", ""])
      expect(withSafeHeaders({ ...message(1), to }), to).toBeNull();
  });

  it("sendMail refuses a bad recipient without sending, and says so without the body", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const before = devMailbox().length;
    expect(await sendMail({ ...message(7), to: "a@example.com, b@evil.test" })).toEqual({
      ok: false,
      reason: "rejected",
    });
    expect(devMailbox()).toHaveLength(before);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/^\[mail\] not sent \(rejected\): "Message 7" to …@evil\.test/);
    expect(String(warn.mock.calls[0][0])).not.toContain("token");
  });
});
