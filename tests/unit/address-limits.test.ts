import { describe, expect, it } from "vitest";
import {
  anonymousDataLimit,
  registrationLimit,
  tooManyNewVisitorsMessage,
  tooManySignUpsMessage,
} from "../../lib/address-limits";
import { parseEnv } from "../../lib/env";

describe("per-address creation limits: settings and messages", () => {
  it("default to 20 sign-ups and 60 new anonymous ids per address and hour, and refuse nonsense", () => {
    const env = parseEnv({ NODE_ENV: "test" });
    expect(env.AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS).toBe(20);
    expect(env.SESSION_DATA_ADDRESS_MAX_NEW).toBe(60);
    expect(
      parseEnv({ NODE_ENV: "test", AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS: "5", SESSION_DATA_ADDRESS_MAX_NEW: "7" }),
    ).toMatchObject({
      AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS: 5,
      SESSION_DATA_ADDRESS_MAX_NEW: 7,
    });
    expect(() => parseEnv({ NODE_ENV: "test", AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS: "0" })).toThrow(
      /AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS/,
    );
    expect(() => parseEnv({ NODE_ENV: "test", SESSION_DATA_ADDRESS_MAX_NEW: "lots" })).toThrow(
      /SESSION_DATA_ADDRESS_MAX_NEW/,
    );
  });

  it("apply only to a known address, each with its own counter", () => {
    expect(registrationLimit(null, 20)).toBeNull();
    expect(anonymousDataLimit(null, 60)).toBeNull();
    expect(registrationLimit("203.0.113.5", 20)?.key).not.toBe(anonymousDataLimit("203.0.113.5", 20)?.key);
  });

  it("say when to come back", () => {
    expect(tooManySignUpsMessage(3600)).toBe("Too many sign-ups from your network; try again in 1 hour.");
    expect(tooManySignUpsMessage(1500)).toBe("Too many sign-ups from your network; try again in 25 minutes.");
    expect(tooManyNewVisitorsMessage(90)).toMatch(/nothing was saved; try again in 2 minutes\.$/);
  });
});
