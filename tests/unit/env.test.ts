import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../lib/env";

const secret = "x".repeat(32);

describe("parseEnv", () => {
  it("defaults to database sessions on SQLite", () => {
    const env = parseEnv({ AUTH_SECRET: secret });
    expect(env.AUTH_SESSION_STRATEGY).toBe("database");
    expect(env.databaseProvider).toBe("sqlite");
    expect(env.AUTH_BCRYPT_COST).toBe(10);
  });

  it("uses cost 12 by default in production", () => {
    expect(parseEnv({ NODE_ENV: "production", AUTH_SECRET: secret }).AUTH_BCRYPT_COST).toBe(12);
  });

  it("rejects an unknown strategy, naming the variable and the allowed values", () => {
    expect(() => parseEnv({ AUTH_SESSION_STRATEGY: "cookie" })).toThrow(EnvError);
    expect(() => parseEnv({ AUTH_JWT_CHANGE_FEED: "maybe" })).toThrow(/AUTH_JWT_CHANGE_FEED/);
    expect(() => parseEnv({ AUTH_SESSION_STRATEGY: "cookie" })).toThrow(
      /AUTH_SESSION_STRATEGY: must be "database" or "jwt"/,
    );
  });

  it("requires AUTH_SECRET in production, except while `next build` runs", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/AUTH_SECRET: required in production/);
    expect(() => parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })).not.toThrow();
    expect(() => parseEnv({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET: must be at least 32 characters/);
  });

  it("picks the provider from DATABASE_URL and rejects other URLs", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://u@h:5432/db" }).databaseProvider).toBe("postgresql");
    expect(parseEnv({ DATABASE_URL: "postgres://u@h/db" }).databaseProvider).toBe("postgresql");
    expect(() => parseEnv({ DATABASE_URL: "mysql://u@h/db" })).toThrow(/DATABASE_URL: .*"file:"/);
  });

  it("treats empty values as unset and validates numbers", () => {
    expect(parseEnv({ AUTH_BCRYPT_COST: "" }).AUTH_BCRYPT_COST).toBe(10);
    expect(() => parseEnv({ AUTH_BCRYPT_COST: "99" })).toThrow(/AUTH_BCRYPT_COST/);
    expect(() => parseEnv({ AUTH_SESSION_MAX_AGE: "-1" })).toThrow(/AUTH_SESSION_MAX_AGE/);
    expect(() => parseEnv({ AUTH_URL: "not a url" })).toThrow(/AUTH_URL/);
  });
});
