import { describe, expect, it } from "vitest";
import { assertConfig } from "../../node_modules/@auth/core/lib/utils/assert.js";
import { isWellFormedCallbackUrl, safeCallbackPath, sameOriginRedirect } from "../../lib/safe-redirect";

const APP = "http://localhost:3000";
const FALLBACK = "/dashboard";

/** An accepted result must stay on the app's origin when a browser resolves it, and be a valid header value. */
function expectSameOriginHeaderSafe(result: string) {
  expect(new URL(result, APP).origin).toBe(APP);
  expect(result).toMatch(/^\/[\x20-\x7e]*$/);
  expect(result.startsWith("//")).toBe(false);
  expect(result.startsWith("/\\")).toBe(false);
}

/** Either the fallback or a harmless same-origin path; never another host. */
function expectNeverOffSite(value: unknown) {
  const result = safeCallbackPath(value);
  expectSameOriginHeaderSafe(result);
  return result;
}

const hex = (code: number) => code.toString(16).padStart(4, "0");

describe("safeCallbackPath", () => {
  it("keeps same-site paths, re-serialised", () => {
    for (const good of ["/dashboard", "/account/sessions?x=1#y", "/a/b?c=%2F", "/admin?x=1"]) {
      const result = safeCallbackPath(good);
      expect(result).toBe(good);
      expectSameOriginHeaderSafe(result);
    }
    expect(safeCallbackPath("/")).toBe("/");
  });

  it("honours a custom fallback", () => {
    expect(safeCallbackPath("https://evil.example", "/home")).toBe("/home");
    expect(safeCallbackPath("/ok", "/home")).toBe("/ok");
  });

  it("refuses non-strings, empty and over-long values", () => {
    for (const bad of [undefined, null, 42, {}, ["/dashboard"], ""]) expect(safeCallbackPath(bad)).toBe(FALLBACK);
    expect(safeCallbackPath(`/${"a".repeat(2047)}`)).toBe(`/${"a".repeat(2047)}`);
    expect(safeCallbackPath(`/${"a".repeat(2048)}`)).toBe(FALLBACK);
  });

  it("refuses every C0 control character and DEL, after the first slash and in the middle", () => {
    const codes = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f];
    for (const code of codes) {
      const ch = String.fromCharCode(code);
      for (const value of [
        `/${ch}/evil.example`,
        `/${ch}evil.example`,
        `/account${ch}/x`,
        `/a/b?c=${ch}#d`,
        `/a#${ch}`,
      ]) {
        expect(safeCallbackPath(value), `U+${hex(code)} in ${JSON.stringify(value)}`).toBe(FALLBACK);
      }
    }
  });

  it("refuses C1 control characters", () => {
    for (let code = 0x80; code <= 0x9f; code++) {
      const ch = String.fromCharCode(code);
      expect(safeCallbackPath(`/${ch}/evil.example`), `U+${hex(code)}`).toBe(FALLBACK);
      expect(safeCallbackPath(`/account${ch}x`), `U+${hex(code)}`).toBe(FALLBACK);
    }
  });

  it("refuses every kind of whitespace", () => {
    const spaces = [
      " ",
      "\t",
      "\n",
      "\v",
      "\f",
      "\r",
      "\u00a0",
      "\u1680",
      "\u2000",
      "\u2005",
      "\u200a",
      "\u2028",
      "\u2029",
      "\u202f",
      "\u205f",
      "\u3000",
      "\ufeff",
    ];
    for (const ch of spaces) {
      expect(safeCallbackPath(`/${ch}/evil.example`), `U+${hex(ch.charCodeAt(0))}`).toBe(FALLBACK);
      expect(safeCallbackPath(`/account${ch}sessions`), `U+${hex(ch.charCodeAt(0))}`).toBe(FALLBACK);
      expect(safeCallbackPath(`${ch}/dashboard`), `U+${hex(ch.charCodeAt(0))}`).toBe(FALLBACK);
    }
  });

  it("refuses backslash variants", () => {
    for (const bad of [
      "/\\evil.example",
      "\\\\evil",
      "\\/evil.example",
      "/\\/evil.example",
      "\\evil.example",
      "/\\\\evil.example",
    ]) {
      expect(safeCallbackPath(bad), bad).toBe(FALLBACK);
    }
  });

  it("refuses protocol-relative, absolute and script URLs", () => {
    for (const bad of [
      "//evil.example",
      "///evil.example",
      "////evil.example",
      "https://evil.example",
      "http://localhost:3000/dashboard",
      "HTTPS://evil.example",
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "evil.example",
      "dashboard",
    ]) {
      expect(safeCallbackPath(bad), bad).toBe(FALLBACK);
    }
  });

  it("refuses paths that normalise to protocol-relative URLs", () => {
    for (const bad of [
      "/.//evil.example",
      "/..//evil.example",
      "/a/..//evil.example",
      "/./\\evil.example",
      "/%2e//evil.example",
    ]) {
      expect(safeCallbackPath(bad), bad).toBe(FALLBACK);
    }
  });

  it("never leaves the site for full-width and ideographic dots", () => {
    for (const dot of ["\u3002", "\uff0e", "\uff61"]) {
      expect(safeCallbackPath(`//evil${dot}example`)).toBe(FALLBACK);
      expect(safeCallbackPath(`https://evil${dot}example`)).toBe(FALLBACK);
      expect(safeCallbackPath(`/\\evil${dot}example`)).toBe(FALLBACK);
      // As a plain path it is harmless, and comes back percent-encoded (ASCII-only, header-safe).
      const result = expectNeverOffSite(`/${dot}/evil.example`);
      expect(result).toBe(`/${encodeURIComponent(dot)}/evil.example`);
    }
    expect(expectNeverOffSite("/%E3%80%82/evil")).toBe("/%E3%80%82/evil");
    expect(expectNeverOffSite("/caf\u00e9?q=\u3002#\u3002")).toBe("/caf%C3%A9?q=%E3%80%82#%E3%80%82");
  });

  it("keeps percent-encoded forms as harmless same-origin paths or refuses them", () => {
    for (const value of [
      "/%2F%2Fevil.example",
      "/%2f%2fevil.example",
      "/%5C%5Cevil.example",
      "/%5Cevil.example",
      "/%09/evil.example",
      "/%0A/evil.example",
      "/%0D/evil.example",
      "/%00/evil.example",
      "/%E3%80%82/evil",
      "/%252F%252Fevil.example",
    ]) {
      expect(expectNeverOffSite(value), value).toBe(value);
    }
    for (const bad of ["%2F%2Fevil.example", "%2F/evil.example", "%5C%5Cevil.example", "https:%2F%2Fevil.example"]) {
      expect(safeCallbackPath(bad), bad).toBe(FALLBACK);
    }
  });

  it("never yields an off-site or header-unsafe result for any single character after the slash", () => {
    // Plain checks in the loop (65536 × 3 values), one assertion at the end, to keep it fast.
    const offenders: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const ch = String.fromCharCode(code);
      for (const value of [`/${ch}/evil.example`, `/${ch}evil.example`, `//${ch}evil.example`]) {
        const result = safeCallbackPath(value);
        const ok = /^\/[\x20-\x7e]*$/.test(result) && !/^\/[/\\]/.test(result) && new URL(result, APP).origin === APP;
        if (!ok) offenders.push(`${JSON.stringify(value)} -> ${JSON.stringify(result)}`);
      }
    }
    expect(offenders).toEqual([]);
  }, 30_000);
});

describe("sameOriginRedirect: Auth.js's redirect callback", () => {
  const redirect = (url: string) => sameOriginRedirect({ url, baseUrl: APP });

  it("keeps a safe path or a URL on the app's origin, as an absolute URL on that origin", () => {
    expect(redirect("/account?tab=1#x")).toBe(`${APP}/account?tab=1#x`);
    expect(redirect(`${APP}/account?tab=1`)).toBe(`${APP}/account?tab=1`);
  });

  it("sends anything else to the app's root: other origins, controls, protocol-relative and non-http values", () => {
    for (const url of [
      "https://evil.example/",
      "//evil.example",
      "/\t/evil.example",
      "/\n",
      "/%09/x\u0000",
      "javascript:alert(1)",
      "not a url",
      `${APP}@evil.example`,
    ]) {
      expect(redirect(url), JSON.stringify(url)).toBe(`${APP}/`);
    }
  });

  it("never yields a Location off the app's origin or one Node would refuse, for any character after the slash", () => {
    const offenders: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const ch = String.fromCharCode(code);
      for (const url of [`/${ch}/evil.example`, `${ch}//evil.example`, `${APP}/${ch}/x`]) {
        const location = redirect(url);
        if (!/^[\x21-\x7e]+$/.test(location) || new URL(location).origin !== APP) offenders.push(JSON.stringify(url));
      }
    }
    expect(offenders).toEqual([]);
  }, 30_000);
});

describe("isWellFormedCallbackUrl: what may reach Auth.js without its 500", () => {
  // Auth.js's own check, run the way its handler runs it, for the query parameter.
  const authJsRefuses = (callbackUrl: string) => {
    const request = { url: new URL(`${APP}/api/auth/session`), query: { callbackUrl }, cookies: {} };
    const result = assertConfig(request as never, { trustHost: true, secret: ["s"], providers: [] } as never);
    return result instanceof Error && result.name === "InvalidCallbackUrl";
  };

  it("every value it lets through, Auth.js accepts too (every single character, in three positions)", () => {
    const disagreements: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const ch = String.fromCharCode(code);
      for (const value of [`/${ch}`, `${ch}/x`, `http${ch}://x`]) {
        if (isWellFormedCallbackUrl(value) && authJsRefuses(value)) disagreements.push(JSON.stringify(value));
      }
    }
    expect(disagreements).toEqual([]);
  }, 30_000);

  it("refuses what Auth.js refuses and what carries controls or whitespace; keeps paths and http(s) URLs", () => {
    for (const bad of ["evil", "javascript:alert(1)", "/\t/evil", "/x\u0000", "/ x", "x".repeat(3000)]) {
      expect(isWellFormedCallbackUrl(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(authJsRefuses("javascript:alert(1)")).toBe(true); // the check above is a real one
    for (const good of ["/dashboard", "/account?tab=1#x", `${APP}/x`, "https://evil.example/"]) {
      expect(isWellFormedCallbackUrl(good), good).toBe(true);
    }
  });
});
