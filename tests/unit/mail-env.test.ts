import { describe, expect, it } from "vitest";
import { DEFAULT_MAIL_FROM, EnvError, parseEnv } from "../../lib/env";

const secret = "x".repeat(32);
const production = { NODE_ENV: "production", AUTH_SECRET: secret, AUTH_URL: "https://app.example.com" };

describe("mail settings", () => {
  it("takes smtp:// and smtps:// URLs, and nothing else, without echoing the URL (it holds a password)", () => {
    expect(parseEnv({ SMTP_URL: "smtp://apikey:SECRET@smtp.sendgrid.net:587" }).SMTP_URL).toBe(
      "smtp://apikey:SECRET@smtp.sendgrid.net:587",
    );
    expect(parseEnv({ SMTP_URL: "smtps://user:pass@smtp.example.com:465" }).SMTP_URL).toMatch(/^smtps:/);
    for (const bad of ["https://user:hunter2@smtp.example.com", "smtp.example.com:587", "smtp://", "mailto:a@b.c"]) {
      const error = (() => {
        try {
          parseEnv({ SMTP_URL: bad });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error, bad).toBeInstanceOf(EnvError);
      expect(error?.message).toMatch(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL such as smtp:\/\//);
      expect(error?.message).not.toContain("hunter2");
    }
  });

  it("requires SMTP_URL in production, naming it with a hint, except while `next build` runs", () => {
    expect(() => parseEnv(production)).toThrow(EnvError);
    expect(() => parseEnv(production)).toThrow(/\n {2}SMTP_URL: required in production.*smtp:\/\/.*README, Email/);
    expect(() => parseEnv({ ...production, SMTP_URL: "" })).toThrow(/SMTP_URL: required in production/);
    expect(() => parseEnv({ ...production, NEXT_PHASE: "phase-production-build" })).not.toThrow();
    expect(() => parseEnv({ ...production, SMTP_URL: "smtp://smtp.example.com" })).not.toThrow();
    // Everything missing is named at once.
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(
      /AUTH_SECRET: required[^]*SMTP_URL: required[^]*AUTH_URL: required/,
    );
    // Outside production, mail goes to the development mailbox.
    expect(parseEnv({ NODE_ENV: "development" }).SMTP_URL).toBeUndefined();
  });

  it("MAIL_FROM: an address or Name <address>, with a default", () => {
    expect(parseEnv({}).MAIL_FROM).toEqual({ name: "Auth Starter", address: "no-reply@localhost" });
    expect(DEFAULT_MAIL_FROM).toBe("Auth Starter <no-reply@localhost>");
    expect(parseEnv({ MAIL_FROM: "no-reply@acme.com" }).MAIL_FROM).toEqual({ name: "", address: "no-reply@acme.com" });
    expect(parseEnv({ MAIL_FROM: "Acme Support <help@acme.com>" }).MAIL_FROM).toEqual({
      name: "Acme Support",
      address: "help@acme.com",
    });
    expect(parseEnv({ MAIL_FROM: '"Acme, Inc." <help@acme.com>' }).MAIL_FROM.name).toBe("Acme, Inc.");
    for (const bad of [
      "not an address",
      "Acme <>",
      "Acme <a@acme.com> <b@acme.com>",
      "a@acme.com, b@acme.com",
      "Acme <a@acme.com>\r\nBcc: victim@example.com",
      'Ac"me <a@acme.com>',
    ]) {
      expect(() => parseEnv({ MAIL_FROM: bad }), bad).toThrow(/MAIL_FROM: must be an address or "Name <address>"/);
    }
  });

  it("MAIL_SEND_TIMEOUT_MS: 10 s by default, whole milliseconds between 100 and 120000", () => {
    expect(parseEnv({}).MAIL_SEND_TIMEOUT_MS).toBe(10_000);
    expect(parseEnv({ MAIL_SEND_TIMEOUT_MS: "2500" }).MAIL_SEND_TIMEOUT_MS).toBe(2_500);
    for (const bad of ["0", "-5", "10s", "1.5", "99", "600000"])
      expect(() => parseEnv({ MAIL_SEND_TIMEOUT_MS: bad }), bad).toThrow(/MAIL_SEND_TIMEOUT_MS/);
  });

  it("AUTH_EMAIL_VERIFICATION: required (default), optional or off", () => {
    expect(parseEnv({}).AUTH_EMAIL_VERIFICATION).toBe("required");
    expect(parseEnv({ AUTH_EMAIL_VERIFICATION: "off" }).AUTH_EMAIL_VERIFICATION).toBe("off");
    expect(() => parseEnv({ AUTH_EMAIL_VERIFICATION: "yes" })).toThrow(
      /AUTH_EMAIL_VERIFICATION: must be "required", "optional" or "off"/,
    );
  });
});
