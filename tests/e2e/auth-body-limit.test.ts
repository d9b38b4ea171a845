import { describe, expect, it } from "vitest";
import { e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../support/http-client";

// Auth.js reads whole request bodies; /api/auth/* caps them first (app/api/auth/[...nextauth]/route.ts).
describe("request bodies of /api/auth/* are bounded", () => {
  const { baseUrl } = e2eTarget();

  it("a 50 MB credentials post is answered 413 (declared or streamed), and a normal sign-in still works after", async () => {
    const client = new HttpClient(baseUrl);
    const csrfToken = await client.csrfToken();
    const big = `csrfToken=${csrfToken}&email=a%40example.com&password=${"x".repeat(50 * 1024 * 1024)}`;
    const declared = await client.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(client.sessionCookie).toBeUndefined();

    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 50 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const streamed = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: client.cookieHeader() },
      body: stream,
      duplex: "half",
      redirect: "manual",
    } as RequestInit).catch((error: Error) => error);
    // The server stops reading past the cap: the client sees the 413, or a closed connection while still sending.
    if (streamed instanceof Response) expect(streamed.status).toBe(413);

    const health = await fetch(`${baseUrl}/api/health`);
    expect(health.status).toBe(200);
  });
});
