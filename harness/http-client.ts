// A fetch wrapper with a cookie jar, for driving the running server over HTTP like a browser would.
export class HttpClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  get sessionCookie(): string | undefined {
    return this.cookies.get("authjs.session-token");
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
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1);
      const expired = attributes.some((a) => /max-age=0/i.test(a) || /expires=thu, 01 jan 1970/i.test(a));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
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
