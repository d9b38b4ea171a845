import { CookieJar } from "./cookie-jar";

// A fetch wrapper with a cookie jar, for driving the running server over HTTP like a browser would.
export class HttpClient {
  readonly cookies = new CookieJar();
  constructor(readonly baseUrl: string) {}

  cookieHeader(): string {
    return this.cookies.header();
  }

  get sessionCookie(): string | undefined {
    return this.cookies.session;
  }

  /** The same browser (a copy of its cookies) talking to another instance at `url`. */
  sameBrowserOn(url: string): HttpClient {
    const other = new HttpClient(url);
    for (const [name, value] of this.cookies) other.cookies.set(name, value);
    return other;
  }

  async fetch(path: string, init: RequestInit & { form?: Record<string, string> } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has("cookie")) headers.set("cookie", this.cookieHeader());
    let body = init.body;
    if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, body, headers, redirect: "manual" });
    this.cookies.store(response);
    return response;
  }

  async csrfToken(): Promise<string> {
    const response = await this.fetch("/api/auth/csrf");
    return ((await response.json()) as { csrfToken: string }).csrfToken;
  }

  async signIn(
    email: string,
    password: string,
    callbackUrl = "/dashboard",
    headers?: Record<string, string>,
  ): Promise<Response> {
    const csrfToken = await this.csrfToken();
    return this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers,
      form: { csrfToken, email, password, callbackUrl },
    });
  }

  async signOut(): Promise<Response> {
    const csrfToken = await this.csrfToken();
    return this.fetch("/api/auth/signout", { method: "POST", form: { csrfToken } });
  }

  async json<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }> {
    const response = await this.fetch(path);
    return { status: response.status, body: (await response.json()) as T };
  }
}
