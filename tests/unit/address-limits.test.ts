import { describe, expect, it } from "vitest";
import {
  anonymousDataLimit,
  registrationLimit,
  tooManyNewVisitorsMessage,
  tooManySignUpsMessage,
} from "../../lib/address-limits";
import { throttleKeys } from "../../lib/auth/throttle";
import { addressBucket } from "../../lib/client-ip";
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
    expect(registrationLimit(null, 20, 64)).toBeNull();
    expect(anonymousDataLimit(null, 60, 64)).toBeNull();
    expect(registrationLimit("not-an-address", 20, 64)).toBeNull();
    expect(registrationLimit("203.0.113.5", 20, 64)?.key).not.toBe(anonymousDataLimit("203.0.113.5", 20, 64)?.key);
  });

  it("count a client by its address bucket: one IPv6 /64 (or the configured prefix), IPv4 however it is written", () => {
    for (const limit of [registrationLimit, anonymousDataLimit]) {
      const key = (ip: string, bits = 64) => limit(ip, 20, bits)?.key;
      expect(key("2001:db8:1:2::1")).toBe(key("2001:db8:1:2:abcd::99"));
      expect(key("2001:db8:1:2::1")).not.toBe(key("2001:db8:1:3::1"));
      expect(key("2001:db8:1:2::1", 48)).toBe(key("2001:db8:1:3::1", 48));
      expect(key("2001:db8:1:2::1", 128)).not.toBe(key("2001:db8:1:2::2", 128));
      expect(key("::ffff:203.0.113.5")).toBe(key("203.0.113.5"));
    }
  });

  it("say when to come back", () => {
    expect(tooManySignUpsMessage(3600)).toBe("Too many sign-ups from your network; try again in 1 hour.");
    expect(tooManySignUpsMessage(1500)).toBe("Too many sign-ups from your network; try again in 25 minutes.");
    expect(tooManyNewVisitorsMessage(90)).toMatch(/nothing was saved; try again in 2 minutes\.$/);
  });
});

describe("keys of the other per-address limits", () => {
  it("sign-in and emailed-link counters take the bucket, so one /64 is one counter", () => {
    const bucket = addressBucket("2001:db8:1:2::77", 64)!;
    expect(throttleKeys.address(bucket)).toBe(throttleKeys.address(addressBucket("2001:DB8:1:2:0::1", 64)!));
    expect(throttleKeys.emailFrom(bucket)).toBe("email-ip:2001:db8:1:2::/64");
    expect(throttleKeys.address(bucket)).not.toBe(throttleKeys.emailFrom(bucket));
  });

  it("the per-recipient send limit counts the mailbox without its +tag (one inbox, however tagged)", () => {
    const alice = throttleKeys.emailTo("alice@x.com");
    expect(throttleKeys.emailTo("alice+1@x.com")).toBe(alice);
    expect(throttleKeys.emailTo("Alice+Newsletter+2@X.com")).toBe(alice);
    expect(throttleKeys.emailTo("alice+@x.com")).toBe(alice);
    expect(throttleKeys.emailTo("bob+1@x.com")).not.toBe(alice);
    expect(throttleKeys.emailTo("alice@y.com")).not.toBe(alice);
    // Only the local part has tags.
    expect(throttleKeys.emailTo("alice@x+1.com")).not.toBe(alice);
  });
});
