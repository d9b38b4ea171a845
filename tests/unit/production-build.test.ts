import { afterEach, describe, expect, it, vi } from "vitest";
import { IN_PRODUCTION_BUILD, parseEnv } from "../../lib/env";
import { transportFor } from "../../lib/mail";
import { devMailbox, devMailboxAllowed } from "../../lib/mail/dev-mailbox";

// A production build is production whatever NODE_ENV it is started with (lib/env.ts; next.config.ts inlines the
// flag, which tests/e2e/startup-check.test.ts checks against a real build).

const complete = {
  AUTH_SECRET: "x".repeat(32),
  SMTP_URL: "smtp://smtp.example.com",
  AUTH_URL: "https://app.example.com",
};
const mail = {
  to: "owner@example.com",
  subject: "Reset your password",
  text: "Open https://app.example.com/reset-password?token=secret-token-123",
  html: "<p>hi</p>",
};

afterEach(() => vi.restoreAllMocks());

describe("a production build", () => {
  it("started with NODE_ENV=development (or test) still needs every production setting, naming each", () => {
    for (const NODE_ENV of ["development", "test", undefined]) {
      expect(() => parseEnv({ NODE_ENV }, { productionBuild: true }), NODE_ENV).toThrow(
        /AUTH_SECRET: required in production[^]*SMTP_URL: required in production[^]*AUTH_URL: required in production/,
      );
    }
    // The same source outside a production build is a development environment.
    expect(parseEnv({ NODE_ENV: "development" }).NODE_ENV).toBe("development");
  });

  it("runs as production: production defaults, and no development mailbox", () => {
    const env = parseEnv({ ...complete, NODE_ENV: "development" }, { productionBuild: true });
    expect(env.NODE_ENV).toBe("production");
    expect(env.AUTH_BCRYPT_COST).toBe(12);
    expect(devMailboxAllowed(env)).toBe(false);
    expect(devMailboxAllowed(parseEnv({ NODE_ENV: "development" }))).toBe(true);
  });

  it("never keeps mail in memory or prints a link's token, even while `next build` runs without SMTP_URL", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const building = parseEnv(
      { NODE_ENV: "development", NEXT_PHASE: "phase-production-build" },
      { productionBuild: true },
    );
    const before = devMailbox().length;
    await expect(transportFor(building).deliver(mail)).rejects.toThrow(/SMTP_URL is not set/);
    expect(devMailbox()).toHaveLength(before);
    expect(info).not.toHaveBeenCalled();

    // Outside a production build the same settings are development: the mail is kept and its link printed.
    await transportFor(parseEnv({ NODE_ENV: "development" })).deliver(mail);
    expect(devMailbox()).toHaveLength(before + 1);
    expect(info.mock.calls.map(([line]) => String(line))).toContain(
      "[mail]   https://app.example.com/reset-password?token=secret-token-123",
    );
  });

  it("is not what scripts and tests run: nothing inlines the flag outside Next's bundles", () => {
    expect(IN_PRODUCTION_BUILD).toBe(false);
  });
});
