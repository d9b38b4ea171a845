import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { clientIp } from "../../lib/client-ip";
import { generateToken, hashToken, looksLikeToken } from "../../lib/auth/random-token";
import { acceptedSessionCookieNames, readSessionCookie } from "../../lib/auth/session-cookie";

describe("session tokens", () => {
  it("are 256-bit, base64url, unique and hashed with SHA-256", () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const [token] = tokens;
    expect(looksLikeToken(token)).toBe(true);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(looksLikeToken("3b241101-e2bb-4255-8caf-4136c566a962")).toBe(false);
    expect(looksLikeToken(`${token}x`)).toBe(false);
  });
});

describe("clientIp", () => {
  it("takes the entry the outermost trusted proxy appended, never one the client could write", () => {
    expect(clientIp("1.1.1.1", 1)).toBe("1.1.1.1");
    // A client that sends its own header: the proxy appends the real address after it.
    expect(clientIp("6.6.6.6, 2.2.2.2", 1)).toBe("2.2.2.2");
    expect(clientIp("6.6.6.6, 3.3.3.3, 10.0.0.1", 2)).toBe("3.3.3.3");
    expect(clientIp("2001:db8::1", 1)).toBe("2001:db8::1");
    expect(clientIp(null, 1)).toBeNull();
  });

  it("is unknown without a trusted proxy (the header may be the client's own), with too few entries, or for non-addresses", () => {
    expect(clientIp("1.1.1.1", 0)).toBeNull();
    expect(clientIp("6.6.6.6, 2.2.2.2", 0)).toBeNull();
    expect(clientIp("2.2.2.2", 2)).toBeNull();
    expect(clientIp("6.6.6.6, not-an-ip", 1)).toBeNull();
    expect(clientIp("6.6.6.6, 2.2.2.2\u0000", 1)).toBeNull();
  });
});

describe("readSessionCookie", () => {
  const jar = (cookies: Record<string, string>) => ({
    get: (name: string) => (name in cookies ? { value: cookies[name] } : undefined),
  });
  it("reads plain, prefixed and chunked cookies", () => {
    expect(readSessionCookie(jar({ "authjs.session-token": "a" }))).toEqual({
      name: "authjs.session-token",
      value: "a",
    });
    const https = acceptedSessionCookieNames("https://app.example");
    expect(readSessionCookie(jar({ "__Host-authjs.session-token": "b" }), https)?.name).toBe(
      "__Host-authjs.session-token",
    );
    // ASVS 3.3.3: on https a cookie under a weaker name (settable by a sibling subdomain) is ignored, and vice versa
    expect(readSessionCookie(jar({ "authjs.session-token": "a" }), https)).toBeNull();
    expect(readSessionCookie(jar({ "__Host-authjs.session-token": "b" }))).toBeNull();
    expect(readSessionCookie(jar({ "authjs.session-token.0": "x", "authjs.session-token.1": "y" }))?.value).toBe("xy");
    expect(readSessionCookie(jar({}))).toBeNull();
  });
});

describe("schemas", () => {
  it("prisma/postgresql/schema.prisma is generated from prisma/schema.prisma", () => {
    expect(() =>
      execFileSync(process.execPath, ["scripts/sync-schemas.mjs", "--check"], { stdio: "pipe" }),
    ).not.toThrow();
  });
});
