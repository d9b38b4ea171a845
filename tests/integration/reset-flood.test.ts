import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answeredRequestStats, ANSWERED_REQUEST_LIMITS } from "../../lib/answered-requests";
import { answeredRequestsDone } from "../../lib/link-mail";
import { requestPasswordReset } from "../../lib/password-reset";
import { startMailCatcher } from "../../harness/mail-catcher";
import { eventually } from "../../harness/eventually";
import { createTestContext, type TestContext } from "../support/test-env";

// Forgot password under a flood, against a real database and a real SMTP server: asking for unknown addresses
// must not cost the owner of a real account their link, and what cannot be handled is dropped and counted.
const catcher = await startMailCatcher();
// The app's mailer is made on first use, from the process environment. A stalled send gives up after this long.
process.env.SMTP_URL = catcher.url;
process.env.MAIL_SEND_TIMEOUT_MS = "4000";
const ORIGIN = "http://localhost:3000";

// Accounts without a password (a reset is how their owners set one): the lookup needs only the address.
let ctx: TestContext;
beforeAll(async () => {
  // The send limits count the asking; a flood from one client is what is measured here, not refused.
  ctx = await createTestContext({ AUTH_EMAIL_SEND_MAX: "1000000", AUTH_EMAIL_ADDRESS_SEND_MAX: "1000000" });
});
afterAll(async () => {
  await ctx.cleanup();
  await catcher.stop();
});

const ask = (email: string) => requestPasswordReset(ctx.db, ctx.env, { email, ip: "198.51.100.7", origin: ORIGIN });
const mailTo = async (prefix: string) =>
  (await catcher.messages()).filter((mail) => mail.to.some((to) => to.startsWith(prefix)));

describe(`forgot password under a flood (${process.env.TEST_DATABASE_PROVIDER ?? "sqlite"})`, () => {
  it("hundreds of concurrent requests for unknown addresses: the owner's link arrives, nothing else is sent or dropped", async () => {
    const owner = "flood-owner@example.com";
    await ctx.db.user.create({ data: { email: owner, emailVerified: new Date() } });
    const droppedBefore = answeredRequestStats().dropped;
    const flood = Array.from({ length: 600 }, (_, i) => `flood-nobody-${i}@example.com`);
    flood.splice(300, 0, owner);

    const answers = await Promise.all(flood.map(ask));
    expect(answers.filter((answer) => !answer.ok)).toEqual([]);
    const mail = await catcher.waitFor({ to: owner, subject: /Reset your password/ });
    expect(mail.text).toContain(`${ORIGIN}/reset-password?token=`);
    await answeredRequestsDone();
    expect(await mailTo("flood-nobody-")).toEqual([]);
    expect(answeredRequestStats()).toEqual({ queued: 0, dropped: droppedBefore });
  });

  it("a mail server that stops answering fills the send stage: what does not fit is dropped and counted", async () => {
    const { sendLimit, sendConcurrency, lookupConcurrency } = ANSWERED_REQUEST_LIMITS;
    const owners = Array.from({ length: sendLimit + 40 }, (_, i) => `stalled-owner-${i}@example.com`);
    await ctx.db.user.createMany({ data: owners.map((email) => ({ email, emailVerified: new Date() })) });
    const droppedBefore = answeredRequestStats().dropped;

    catcher.setMode("stall");
    try {
      expect((await Promise.all(owners.map(ask))).every((answer) => answer.ok)).toBe(true);
      const { queued, dropped } = await eventually(
        async () => answeredRequestStats(),
        (stats) => stats.queued === 0,
      );
      // All but what the send stage holds (its bound, plus the lookups that had started when it filled up).
      expect(dropped - droppedBefore).toBeGreaterThanOrEqual(owners.length - sendLimit - lookupConcurrency);
      expect(dropped - droppedBefore).toBeLessThanOrEqual(owners.length - sendLimit);
      expect(queued).toBe(0);
    } finally {
      catcher.setMode("accept");
    }
    // The mail server is back: every job that was kept is sent, but those already stuck on it (they time out).
    await answeredRequestsDone();
    const delivered = (await mailTo("stalled-owner-")).length;
    const dropped = answeredRequestStats().dropped - droppedBefore;
    expect(delivered).toBeGreaterThanOrEqual(owners.length - dropped - sendConcurrency);
    expect(delivered).toBeLessThanOrEqual(owners.length - dropped);
  });
});
