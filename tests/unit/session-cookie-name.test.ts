import { describe, expect, it } from "vitest";
import { createActionURL } from "@auth/core";
// Auth.js's own cookie names, cookie parser and chunk joiner: the DAL's reader must agree with them.
import { defaultCookies, SessionStore } from "../../node_modules/@auth/core/lib/utils/cookie.js";
import { parse as authJsParse } from "../../node_modules/@auth/core/lib/vendored/cookie.js";
import { cookiePairs, cookieValues, withoutCookies } from "../../lib/cookie-header";
import {
  forwardedProtoIsHttps,
  HOST_SESSION_COOKIE,
  PLAIN_SESSION_COOKIE,
  readExactSessionCookie,
  SECURE_SESSION_COOKIE,
  sessionCookieName,
} from "../../lib/auth/session-cookie";

// Which session cookie name the DAL accepts for a request, and that it reads only an unambiguous one.

const authJsName = (https: boolean) => defaultCookies(https).sessionToken.name;

/** The name Auth.js's server-side calls (signIn, signOut, auth() via createActionURL) use for this header. */
function serverCodeName(forwardedProto: string): string | null {
  try {
    const headers = new Headers({ host: "app.example", "x-forwarded-proto": forwardedProto });
    return authJsName(
      createActionURL("session", forwardedProto, headers, {}, { basePath: "/api/auth" } as never).protocol === "https:",
    );
  } catch {
    return null;
  }
}

/** The name the /api/auth/* route handler uses: Next.js makes the request URL https when the header contains "https". */
const routeHandlerName = (forwardedProto: string) => authJsName(forwardedProto.includes("https"));

describe("sessionCookieName: the one name Auth.js uses for this request", () => {
  it("is our __Host- name whenever AUTH_URL is https, whatever the proxy says", () => {
    for (const forwardedProto of ["https", "http", null]) {
      expect(sessionCookieName({ authUrl: "https://app.example", forwardedProto })).toBe(HOST_SESSION_COOKIE);
    }
  });

  it("follows the request's protocol without AUTH_URL: __Secure- on https, the plain name on http", () => {
    expect(sessionCookieName({ forwardedProto: "https" })).toBe(SECURE_SESSION_COOKIE);
    expect(sessionCookieName({ forwardedProto: "http" })).toBe(PLAIN_SESSION_COOKIE);
    expect(sessionCookieName({ forwardedProto: null })).toBe(PLAIN_SESSION_COOKIE); // Next.js fills it in; no TLS in next start
  });

  it("takes an http AUTH_URL (or NEXTAUTH_URL) over the forwarded protocol, as next-auth replaces the request's URL with it", () => {
    expect(sessionCookieName({ authUrl: "http://app.example", forwardedProto: "https" })).toBe(PLAIN_SESSION_COOKIE);
    expect(sessionCookieName({ nextAuthUrl: "https://app.example", forwardedProto: "http" })).toBe(
      SECURE_SESSION_COOKIE,
    );
    expect(sessionCookieName({ nextAuthUrl: "http://app.example", forwardedProto: "https" })).toBe(
      PLAIN_SESSION_COOKIE,
    );
    // An empty AUTH_URL hides NEXTAUTH_URL from next-auth (`AUTH_URL ?? NEXTAUTH_URL`), so the request decides.
    expect(sessionCookieName({ authUrl: "", nextAuthUrl: "http://app.example", forwardedProto: "https" })).toBe(
      SECURE_SESSION_COOKIE,
    );
    expect(sessionCookieName({ nextAuthUrl: "not a url", forwardedProto: "https" })).toBeNull();
  });

  it.each([
    "https",
    "http",
    "https:",
    "http:",
    "HTTPS",
    "Http",
    "https, http",
    "http,https",
    "https,https",
    "xhttps",
    "",
    "wss",
    "ftp",
  ])(
    "agrees with both of Auth.js's entry points for X-Forwarded-Proto %j, or accepts no name where they disagree",
    (forwardedProto) => {
      const server = serverCodeName(forwardedProto);
      const route = routeHandlerName(forwardedProto);
      expect(sessionCookieName({ forwardedProto })).toBe(server === route ? route : null);
    },
  );

  it("refuses headers on which Auth.js's two entry points disagree", () => {
    expect(forwardedProtoIsHttps("HTTPS")).toBeNull(); // server code: https; route handler: http
    expect(forwardedProtoIsHttps("https, http")).toBeNull(); // server code throws; route handler: https
    expect(forwardedProtoIsHttps("https")).toBe(true);
    expect(forwardedProtoIsHttps("http")).toBe(false);
  });
});

describe("readExactSessionCookie: one unambiguous cookie or nothing", () => {
  const name = PLAIN_SESSION_COOKIE;

  it("reads the whole cookie, and chunks .0 … .n-1 joined in order", () => {
    expect(readExactSessionCookie("a=1; authjs.session-token=tok; b=2", name)).toEqual({ name, value: "tok" });
    expect(
      readExactSessionCookie("authjs.session-token.1=B; authjs.session-token.0=A; authjs.session-token.2=C", name),
    ).toEqual({
      name,
      value: "ABC",
    });
    // Other names, including the same token under another prefix, are not this cookie.
    expect(readExactSessionCookie("__Secure-authjs.session-token=x; authjs.session-token=y", name)?.value).toBe("y");
    expect(readExactSessionCookie("__Secure-authjs.session-token=x", name)).toBeNull();
    expect(readExactSessionCookie("", name)).toBeNull();
    expect(readExactSessionCookie(null, name)).toBeNull();
  });

  it("refuses a name sent twice, in either order (Auth.js would read the first, Next.js the last)", () => {
    expect(readExactSessionCookie("authjs.session-token=valid; authjs.session-token=garbage", name)).toBeNull();
    expect(readExactSessionCookie("authjs.session-token=garbage; authjs.session-token=valid", name)).toBeNull();
    expect(readExactSessionCookie("authjs.session-token=same; authjs.session-token=same", name)).toBeNull();
    // Auth.js trims names: these are the same name to it, so they are to the reader.
    expect(readExactSessionCookie("authjs.session-token=a;\tauthjs.session-token =b", name)).toBeNull();
    expect(readExactSessionCookie("authjs.session-token=a; authjs.session-token=", name)).toBeNull();
  });

  it("refuses a chunk sent twice, a gap, a whole cookie next to chunks, a stray name with the same start, and empty values", () => {
    expect(
      readExactSessionCookie("authjs.session-token.0=A; authjs.session-token.1=B; authjs.session-token.0=X", name),
    ).toBeNull();
    expect(readExactSessionCookie("authjs.session-token.0=A; authjs.session-token.2=C", name)).toBeNull();
    expect(readExactSessionCookie("authjs.session-token.1=B", name)).toBeNull();
    expect(readExactSessionCookie("authjs.session-token=W; authjs.session-token.0=A", name)).toBeNull();
    expect(readExactSessionCookie("authjs.session-token=W; authjs.session-tokenX=A", name)).toBeNull();
    expect(readExactSessionCookie("authjs.session-token.00=A", name)).toBeNull();
    expect(readExactSessionCookie("authjs.session-token=", name)).toBeNull();
    expect(readExactSessionCookie("authjs.session-token.0=; authjs.session-token.1=B", name)).toBeNull();
  });

  it("whenever it accepts a cookie, Auth.js reads the same value from the same header (2,000 generated headers)", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const names = [
      name,
      name,
      `${name}.0`,
      `${name}.1`,
      `${name}.2`,
      `${name}x`,
      `__Secure-${name}`,
      "other",
      ` ${name}`,
      `${name}\t`,
    ];
    const values = ["tok", "A", "B", "", "a%20b", "%zz", "x=y", " padded "];
    const separators = ["; ", ";", ";\t", " ; "];
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
        random() < 0.1 ? "novalue" : `${pick(names)}=${pick(values)}`,
      );
      const header = parts.reduce((text, part) => (text ? `${text}${pick(separators)}${part}` : part), "");
      const ours = readExactSessionCookie(header, name);
      // What Auth.js's session handling reads: its parser (first of each name), then every cookie starting with the name joined.
      const store = new SessionStore({ name, options: {} } as never, authJsParse(header), console as never);
      if (ours) {
        accepted++;
        expect(ours.value, header).toBe(store.value);
      }
      // The splitter sees the same names as Auth.js's parser, and Auth.js keeps the first of each.
      const parsed = authJsParse(header);
      for (const pair of cookiePairs(header))
        expect(parsed[pair.name], header).toBe(cookieValues(header, pair.name)[0]);
      expect(new Set(cookiePairs(header).map((p) => p.name))).toEqual(new Set(Object.keys(parsed)));
    }
    expect(accepted).toBeGreaterThan(100); // the property was exercised, not vacuously true
  });
});

describe("withoutCookies: a Cookie header minus some pairs", () => {
  it("drops exactly the picked pairs and keeps every other segment as sent", () => {
    const header = "a=1; authjs.callback-url=%2F%09%2Fevil; b=%20x ;flag; authjs.callback-url=/ok";
    const kept = withoutCookies(header, (pair) => pair.name === "authjs.callback-url" && pair.value.includes("\t"));
    expect(kept).toBe("a=1; b=%20x ;flag; authjs.callback-url=/ok");
    expect(authJsParse(kept)).toEqual({ a: "1", b: " x", "authjs.callback-url": "/ok" });
  });
});
