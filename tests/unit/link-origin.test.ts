import { describe, expect, it } from "vitest";
import { parseEnv } from "../../lib/env";
import { chooseLinkOrigin, parseLinkHosts } from "../../lib/link-hosts";

// Where emailed links point (lib/link-hosts.ts): the request's headers may only choose among hosts the settings
// name, except outside production.

const production = {
  NODE_ENV: "production",
  AUTH_SECRET: "x".repeat(32),
  SMTP_URL: "smtp://smtp.example.com",
} as const;

/** Headers as a request would carry them (names in any case). */
function request(values: Record<string, string>) {
  const headers = new Headers(values);
  return { get: (name: string) => headers.get(name) };
}

const forged = request({ host: "app.example.com", "x-forwarded-host": "evil.test", "x-forwarded-proto": "http" });

describe("link origin", () => {
  it("production without a list: AUTH_URL, whatever Host or X-Forwarded-Host say", () => {
    const env = parseEnv({ ...production, AUTH_URL: "https://app.example.com/some/path" });
    expect(chooseLinkOrigin(env, forged)).toBe("https://app.example.com");
    expect(chooseLinkOrigin(env, request({ host: "evil.test" }))).toBe("https://app.example.com");
    expect(chooseLinkOrigin(env, null)).toBe("https://app.example.com");
  });

  it("production: a request's host is used only when AUTH_LINK_HOSTS lists it, with the list's scheme", () => {
    const env = parseEnv({ ...production, AUTH_LINK_HOSTS: "app.example.com, www.example.com,http://localhost:3000" });
    expect(chooseLinkOrigin(env, request({ host: "www.example.com", "x-forwarded-proto": "http" }))).toBe(
      "https://www.example.com",
    );
    expect(chooseLinkOrigin(env, request({ host: "internal:8080", "x-forwarded-host": "APP.example.com" }))).toBe(
      "https://app.example.com",
    );
    expect(chooseLinkOrigin(env, request({ host: "localhost:3000", "x-forwarded-proto": "https" }))).toBe(
      "http://localhost:3000",
    );
    // Unlisted, a listed name on another port, or a header that is more than a host: no link at all.
    for (const headers of [
      forged,
      request({ host: "evil.test" }),
      request({ host: "app.example.com:8443" }),
      request({ host: "www.example.com", "x-forwarded-host": "evil.test, www.example.com" }),
      request({ host: "user@www.example.com" }),
      request({ host: "www.example.com/reset?x=" }),
      request({}),
    ])
      expect(chooseLinkOrigin(env, headers)).toBeNull();
    expect(chooseLinkOrigin(env, null)).toBeNull();
  });

  it("production with both: a listed host gets its own links, every other request AUTH_URL's", () => {
    const env = parseEnv({ ...production, AUTH_URL: "https://app.example.com", AUTH_LINK_HOSTS: "www.example.com" });
    expect(chooseLinkOrigin(env, request({ host: "www.example.com" }))).toBe("https://www.example.com");
    expect(chooseLinkOrigin(env, forged)).toBe("https://app.example.com");
  });

  it("outside production: the request's own host and scheme, on any port, when nothing is configured", () => {
    const env = parseEnv({ NODE_ENV: "development" });
    expect(chooseLinkOrigin(env, request({ host: "localhost:3000" }))).toBe("http://localhost:3000");
    expect(chooseLinkOrigin(env, request({ host: "localhost:49152", "x-forwarded-proto": "https" }))).toBe(
      "https://localhost:49152",
    );
    expect(chooseLinkOrigin(env, request({ host: "user@localhost:3000" }))).toBeNull();
    expect(chooseLinkOrigin(env, request({ host: "localhost:3000", "x-forwarded-proto": "javascript" }))).toBeNull();
    expect(chooseLinkOrigin(env, null)).toBeNull();
    // AUTH_URL, once set, is used there too.
    const configured = parseEnv({ NODE_ENV: "development", AUTH_URL: "http://localhost:3000" });
    expect(chooseLinkOrigin(configured, request({ host: "localhost:4000" }))).toBe("http://localhost:3000");
  });

  it("AUTH_LINK_HOSTS: hosts (https) or origins; anything else is refused, naming the variable", () => {
    expect(parseLinkHosts("")).toEqual([]);
    expect(parseLinkHosts(" App.Example.com ,app.example.com:8443, http://localhost:3000/ ,")).toEqual([
      "https://app.example.com",
      "https://app.example.com:8443",
      "http://localhost:3000",
    ]);
    for (const bad of ["*.example.com", "app.example.com/path", "ftp://app.example.com", "user@app.example.com", "a b"])
      expect(() => parseEnv({ AUTH_LINK_HOSTS: bad }), bad).toThrow(/AUTH_LINK_HOSTS: must list hosts/);
  });

  it("production requires AUTH_URL, naming it, unless AUTH_LINK_HOSTS lists hosts", () => {
    expect(() => parseEnv(production)).toThrow(/\n {2}AUTH_URL: required in production.*AUTH_LINK_HOSTS/);
    expect(() => parseEnv({ ...production, AUTH_URL: "" })).toThrow(/AUTH_URL: required in production/);
    expect(() => parseEnv({ ...production, AUTH_URL: "https://app.example.com" })).not.toThrow();
    expect(() => parseEnv({ ...production, AUTH_LINK_HOSTS: "app.example.com" })).not.toThrow();
    expect(() => parseEnv({ ...production, NEXT_PHASE: "phase-production-build" })).not.toThrow();
    expect(() => parseEnv({ NODE_ENV: "development" })).not.toThrow();
  });
});
