import { describe, expect, it } from "vitest";
import { getScriptNonceFromHeader } from "next/dist/server/app-render/get-script-nonce-from-header";
import {
  createNonce,
  securityHeaders,
  servedOverHttps,
  staticSecurityHeaderRules,
  STATIC_CONTENT_SECURITY_POLICY,
} from "../../lib/security-headers";

const directives = (csp: string) => new Map(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));

describe("security headers", () => {
  it("nonces are 128 random bits in the shape Next.js extracts from the CSP", () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) {
      expect(atob(nonce)).toHaveLength(16);
      const csp = securityHeaders({ nonce, https: false, development: false })["content-security-policy"];
      expect(getScriptNonceFromHeader(csp)).toBe(nonce);
    }
  });

  it("a production page policy allows only nonced scripts and styles, no eval, no plugins, no framing", () => {
    const csp = directives(
      securityHeaders({ nonce: "abc123==", https: false, development: false })["content-security-policy"],
    );
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    // Besides the nonce, only sonner's two injected <style> texts, by hash (tests/unit/sonner-style-hash.test.ts).
    expect(csp.get("style-src")).toEqual([
      "'self'",
      "'nonce-abc123=='",
      expect.stringMatching(/^'sha256-/),
      expect.stringMatching(/^'sha256-/),
    ]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect([...csp.values()].flat().join(" ")).not.toMatch(/unsafe/);
    expect(csp.has("upgrade-insecure-requests")).toBe(false); // plain http: it would break every subresource
  });

  it("only `next dev` gets 'unsafe-eval' (React's dev tooling) and inline styles (the dev overlay)", () => {
    const csp = directives(securityHeaders({ nonce: "n", https: false, development: true })["content-security-policy"]);
    expect(csp.get("script-src")).toContain("'unsafe-eval'");
    expect(csp.get("style-src")).toContain("'unsafe-inline'");
  });

  it("HSTS and upgrade-insecure-requests only over https", () => {
    const plain = securityHeaders({ nonce: "n", https: false, development: false });
    const https = securityHeaders({ nonce: "n", https: true, development: false });
    expect(plain["strict-transport-security"]).toBeUndefined();
    expect(https["strict-transport-security"]).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(directives(https["content-security-policy"]).has("upgrade-insecure-requests")).toBe(true);
  });

  it("the other headers, and passkeys stay allowed for the app itself", () => {
    const headers = securityHeaders({ nonce: "n", https: false, development: false });
    expect(headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-frame-options": "DENY",
      "cross-origin-opener-policy": "same-origin",
    });
    const permissions = headers["permissions-policy"].split(", ");
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"])
      expect(permissions).toContain(`${feature}=()`);
    expect(permissions).toContain("publickey-credentials-get=(self)");
    expect(permissions).toContain("publickey-credentials-create=(self)");
  });

  it("https is an https AUTH_URL or the first X-Forwarded-Proto entry", () => {
    const headers = (proto?: string) => new Headers(proto ? { "x-forwarded-proto": proto } : {});
    expect(servedOverHttps(headers(), "https://app.example.com")).toBe(true);
    expect(servedOverHttps(headers("https"), undefined)).toBe(true);
    expect(servedOverHttps(headers("https, http"), "http://localhost:3000")).toBe(true);
    expect(servedOverHttps(headers("http, https"), undefined)).toBe(false);
    expect(servedOverHttps(headers(), "http://localhost:3000")).toBe(false);
    expect(servedOverHttps(headers(), undefined)).toBe(false);
  });

  it("next.config headers(): the same headers without a nonce for every path, HSTS when the proxy says https", () => {
    const [all, hsts] = staticSecurityHeaderRules();
    expect(all.source).toBe("/:path*");
    const keys = all.headers.map((h) => h.key);
    // Lower case, so where proxy.ts runs its headers replace these instead of being sent twice.
    for (const key of keys) expect(key).toBe(key.toLowerCase());
    expect(keys).toEqual(Object.keys(securityHeaders({ nonce: "n", https: false, development: false })));
    expect(all.headers.find((h) => h.key === "content-security-policy")?.value).toBe(STATIC_CONTENT_SECURITY_POLICY);
    const [condition] = hsts.has ?? [];
    expect(condition).toMatchObject({ type: "header", key: "x-forwarded-proto" });
    const pattern = new RegExp(`^${condition.value}$`); // how Next matches `has` values
    expect(["https", "https, http", "https,http"].every((v) => pattern.test(v))).toBe(true);
    expect(["http", "http, https", "httpsx"].some((v) => pattern.test(v))).toBe(false);
  });
});
