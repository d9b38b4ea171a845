import { Auth } from "@auth/core";
import { buildAuthConfig } from "../../lib/auth/config";
import type { Db } from "../../lib/db";
import type { Env } from "../../lib/env";
import { CookieJar } from "../../harness/cookie-jar";

const BASE = "http://localhost:3000";

/** Drives the real Auth.js request handler (the same config the app uses) with a cookie jar, without a server. */
export class AuthClient {
  readonly cookies = new CookieJar();
  private readonly config;

  constructor(env: Env, db: Db) {
    this.config = { ...buildAuthConfig(env, db), basePath: "/api/auth", trustHost: true };
  }

  cookieHeader(): string {
    return this.cookies.header();
  }

  sessionCookie(): string | undefined {
    return this.cookies.session;
  }

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader());
    let body: string | undefined;
    if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(init.form).toString();
    }
    const response = await Auth(
      new Request(`${BASE}${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body }),
      this.config,
    );
    this.cookies.store(response);
    return response;
  }

  async csrfToken(): Promise<string> {
    const response = await this.request("/api/auth/csrf");
    return ((await response.json()) as { csrfToken: string }).csrfToken;
  }

  /** POSTs the credentials form like the login page does; returns the response (302 on success and failure). */
  async signIn(email: string, password: string) {
    const csrfToken = await this.csrfToken();
    return this.request("/api/auth/callback/credentials", {
      form: { csrfToken, email, password, callbackUrl: "/dashboard" },
    });
  }

  async signOut() {
    const csrfToken = await this.csrfToken();
    return this.request("/api/auth/signout", { form: { csrfToken } });
  }

  async session(): Promise<Record<string, unknown> | null> {
    const response = await this.request("/api/auth/session");
    return (await response.json()) as Record<string, unknown> | null;
  }
}
