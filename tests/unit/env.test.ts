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
    const production = {
      NODE_ENV: "production",
      AUTH_SECRET: secret,
      SMTP_URL: "smtp://smtp.example.com",
      AUTH_URL: "https://app.example.com",
    };
    expect(parseEnv(production).AUTH_BCRYPT_COST).toBe(12);
  });

  it("allows the database session cache only where the change feed can reach it", () => {
    const postgres = "postgresql://app@127.0.0.1:5432/app";
    expect(parseEnv({ DATABASE_URL: postgres, AUTH_DATABASE_SESSION_CACHE: "on" }).AUTH_DATABASE_SESSION_CACHE).toBe(
      "on",
    );
    const needsFeed = /AUTH_DATABASE_SESSION_CACHE: needs PostgreSQL with AUTH_CHANGE_FEED=on/;
    expect(() => parseEnv({ AUTH_DATABASE_SESSION_CACHE: "on" })).toThrow(needsFeed);
    expect(() =>
      parseEnv({ DATABASE_URL: postgres, AUTH_DATABASE_SESSION_CACHE: "on", AUTH_CHANGE_FEED: "off" }),
    ).toThrow(needsFeed);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x", AUTH_DATABASE_SESSION_CACHE: "on" })).toThrow(/DATABASE_URL/);
  });

  it("rejects an unknown strategy, naming the variable and the allowed values", () => {
    expect(() => parseEnv({ AUTH_SESSION_STRATEGY: "cookie" })).toThrow(EnvError);
    expect(() => parseEnv({ AUTH_CHANGE_FEED: "maybe" })).toThrow(/AUTH_CHANGE_FEED/);
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
