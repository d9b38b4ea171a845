import { describe, expect, it } from "vitest";
import { emailChangeMessage, passwordResetMessage, verifyEmailMessage } from "../../lib/mail/templates/account-links";
import { escapeHtml } from "../../lib/mail/templates/compose";
import { accountExistsMessage, addressInUseMessage } from "../../lib/mail/templates/address-in-use";
import { securityNoticeMessage } from "../../lib/mail/templates/security-notice";
import { partlyHidden } from "../../lib/mail/templates/words";

const TOKEN = "tok3n-that-must-only-appear-in-the-link";
// The `&` must come out as `&amp;` in the HTML, and the link must still work.
const URL_WITH_TOKEN = `https://app.example.com/verify-email?token=${TOKEN}&next=%2Fdashboard`;
const HOSTILE = `"<script>alert(1)</script>"@evil.test`;

const linkMails = {
  verifyEmailMessage: verifyEmailMessage({ url: URL_WITH_TOKEN, expiresInMinutes: 30 }),
  passwordResetMessage: passwordResetMessage({ url: URL_WITH_TOKEN, expiresInMinutes: 60 }),
  emailChangeMessage: emailChangeMessage({ url: URL_WITH_TOKEN, newEmail: HOSTILE, expiresInMinutes: 1440 }),
  accountExistsMessage: accountExistsMessage({
    signInUrl: "https://app.example.com/login",
    reset: { url: URL_WITH_TOKEN, expiresInMinutes: 30 },
  }),
};

describe("mail with a link", () => {
  it.each(Object.entries(linkMails))("%s: text and HTML carry the link, and the token nowhere else", (_, mail) => {
    expect(mail.text).toContain(URL_WITH_TOKEN);
    expect(mail.html).toContain(`href="${escapeHtml(URL_WITH_TOKEN)}"`);
    expect(mail.text.split(URL_WITH_TOKEN).join("")).not.toContain(TOKEN);
    expect(mail.html.split(escapeHtml(URL_WITH_TOKEN)).join("")).not.toContain(TOKEN);
    expect(mail.subject).not.toContain(TOKEN);
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it.each(Object.entries(linkMails))("%s: a full HTML document with inline styles only", (_, mail) => {
    expect(mail.html).toMatch(/^<!doctype html>/);
    expect(mail.html).toContain(`<title>${mail.subject}</title>`);
    expect(mail.html).not.toMatch(/<style|class=|<script/i);
    expect(mail.html).toContain('style="');
  });

  it("says when the link expires, in words", () => {
    expect(linkMails.verifyEmailMessage.text).toContain("expires in 30 minutes");
    expect(linkMails.passwordResetMessage.text).toContain("expires in 1 hour");
    expect(linkMails.emailChangeMessage.text).toContain("expires in 1 day");
    expect(verifyEmailMessage({ url: URL_WITH_TOKEN, expiresInMinutes: 1 }).text).toContain("expires in 1 minute.");
  });

  it("escapes a hostile new address in the HTML and keeps it readable in the text", () => {
    const { html, text } = linkMails.emailChangeMessage;
    expect(html).not.toContain("<script>");
    expect(html).toContain("&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;@evil.test");
    expect(text).toContain(`Confirm that ${HOSTILE} should become`);
  });

  it("refuses a link that is not an absolute http(s) URL", () => {
    for (const url of ["javascript:alert(1)", "/verify?token=x", "data:text/html,hi"])
      expect(() => verifyEmailMessage({ url, expiresInMinutes: 30 })).toThrow(/absolute http\(s\) URL/);
  });
});

describe("security notices", () => {
  const at = new Date("2026-12-03T14:05:59Z");
  const appUrl = "https://app.example.com/some/base";

  it("say what happened in one line: time, browser and address, and link to the reset page", () => {
    const mail = securityNoticeMessage(
      { kind: "password-changed", at, browser: "Chrome 156 on Linux", address: "203.0.113.7" },
      { appUrl },
    );
    expect(mail.subject).toBe("Your password was changed");
    expect(mail.text).toBe(
      "Your password was changed on 3 Dec 2026, 14:05 UTC from Chrome 156 on Linux (203.0.113.7).\n\n" +
        "If this wasn't you, reset your password: https://app.example.com/forgot-password\n",
    );
    expect(mail.html).toContain('href="https://app.example.com/forgot-password"');
  });

  it("a new sign-in and an email change read naturally; after an email change a reset link would not help", () => {
    const signIn = securityNoticeMessage(
      { kind: "new-sign-in", at, browser: "Firefox 140 on macOS", address: "" },
      { appUrl },
    );
    expect(signIn.text).toContain(
      "There was a new sign-in to your account on 3 Dec 2026, 14:05 UTC from Firefox 140 on macOS.",
    );
    expect(signIn.text).not.toContain("()");
    const changed = securityNoticeMessage(
      { kind: "email-changed", at, browser: "Safari 26 on iOS", address: "2001:db8::1", newEmail: "new@example.com" },
      { appUrl },
    );
    // The old mailbox may no longer be the owner's (a former employer's): the new address is only hinted at.
    expect(changed.text).toContain(
      "changed to n…@example.com on 3 Dec 2026, 14:05 UTC from Safari 26 on iOS (2001:db8::1)",
    );
    expect(changed.text + changed.html).not.toContain("new@example.com");
    expect(changed.text).not.toContain("forgot-password");
    expect(changed.text).toContain("contact the administrator");
  });

  it("without AUTH_URL say what to do without a link (a link is never built from a request's Host)", () => {
    const mail = securityNoticeMessage(
      { kind: "new-sign-in", at, browser: "Chrome", address: "" },
      { appUrl: undefined },
    );
    expect(mail.text).toContain("reset your password at once from the sign-in page");
    expect(mail.text + mail.html).not.toMatch(/https?:\/\/|undefined|href=/);
  });

  it("escape hostile browser names and addresses, and keep each on one short line", () => {
    const mail = securityNoticeMessage(
      {
        kind: "email-changed",
        at,
        browser: `<img src=x onerror=alert(1)>\r\nBcc: someone@evil.test ${"A".repeat(500)}`,
        address: "<b>1.2.3.4</b>",
        newEmail: HOSTILE,
      },
      { appUrl },
    );
    expect(mail.html).not.toMatch(/<img|<b>|<script/);
    expect(mail.html).toContain("&lt;img src=x onerror=alert(1)&gt; Bcc: someone@evil.test");
    expect(mail.text.split("\n")[0]).toMatch(/^The email address of your account was changed to .* UTC from <img .*A…/);
    expect(mail.text.split("\n")[0].length).toBeLessThan(400);
  });
});

describe("partlyHidden", () => {
  it("keeps the first character and the domain, and nothing of a value that is not an address", () => {
    expect(partlyHidden("jane.doe@example.org")).toBe("j…@example.org");
    expect(partlyHidden("x@example.org")).toBe("x…@example.org");
    expect(partlyHidden("no-at-sign")).toBe("…");
    expect(partlyHidden("@example.org")).toBe("…");
    expect(partlyHidden("a\r\nBcc: b@evil.test")).toBe("a…@evil.test");
  });
});

describe("the note to an address that already has an account", () => {
  it("names no other account and holds no link", () => {
    const mail = addressInUseMessage();
    expect(mail.subject).toBe("Someone tried to use your email address");
    expect(mail.text).toContain("nothing was changed");
    expect(mail.text + mail.html).not.toMatch(/https?:\/\/|href=|@/);
  });
});

describe("the note to the owner of an address someone signed up with", () => {
  it("offers sign-in and a new password, and says nothing changed; a disabled account gets no links", () => {
    const active = accountExistsMessage({
      signInUrl: "https://app.example.com/login",
      reset: { url: URL_WITH_TOKEN, expiresInMinutes: 30 },
    });
    expect(active.subject).toBe("Someone tried to sign up with your email address");
    expect(active.text).toContain("no new account was made");
    expect(active.text).toContain("https://app.example.com/login");
    expect(active.text).toContain("The link expires in 30 minutes.");
    const disabled = accountExistsMessage({ signInUrl: "https://app.example.com/login", reset: null });
    expect(disabled.text).toContain("nothing was changed");
    expect(disabled.text + disabled.html).not.toMatch(/https?:\/\/|href=/);
  });
});
