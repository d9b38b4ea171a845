import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { securityHeaders } from "../../lib/security-headers";

// sonner (the toasts) appends a <style> tag when it loads, without a nonce: first empty, then with its stylesheet
// (the same CSS app/globals.css imports). The production CSP allows exactly those two texts by their hashes; this
// test notices when a sonner update changes the text.

/** The CSS sonner's bundle passes to its __insertCSS() at load, as the browser will hash it. */
function sonnerInjectedCss(): string {
  const bundle = readFileSync(createRequire(import.meta.url).resolve("sonner"), "utf8");
  const literal = /__insertCSS\(("(?:[^"\\]|\\.)*")\)/.exec(bundle)?.[1];
  if (!literal) throw new Error("sonner no longer calls __insertCSS: check how it loads its styles");
  return JSON.parse(literal) as string;
}

describe("sonner's injected stylesheet under the CSP", () => {
  it("the production style-src allows it by hash (and nothing inline besides the nonce)", () => {
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    const csp = securityHeaders({ nonce: "abc123==", https: false, development: false })["content-security-policy"];
    const styleSrc = csp.split("; ").find((d) => d.startsWith("style-src "))!;
    expect(styleSrc.split(" ")).toContain(hash(sonnerInjectedCss()));
    expect(styleSrc.split(" ")).toContain(hash(""));
    expect(styleSrc).not.toContain("'unsafe-inline'");
  });
});
