import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eDb, e2eTarget } from "../support/e2e-env";
import { HttpClient } from "../../harness/http-client";
import { residentBytes, servingProcess } from "../../harness/process-memory";
import { serverEnv, startServer, type RunningServer } from "../../harness/server";
import { postStreamed, type StreamedAnswer } from "../support/streamed-post";
import { createTestUser, deleteTestUser, type TestUser } from "./helpers";

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

// The same posts against a server started here, so its process can be watched: refusing a 50 MB body must not
// cost the server the body's size in memory. RSS is read from /proc for the process that serves the port.
describe("oversized /api/auth/* posts do not grow the server's memory", () => {
  const { databaseUrl, strategy, recheckSeconds } = e2eTarget();
  const MiB = 1024 * 1024;
  const BODY_BYTES = 50 * MiB;
  const db = e2eDb();
  let server: RunningServer;
  let pid: number;
  let user: TestUser;

  beforeAll(async () => {
    user = await createTestUser(db, "body-limit");
    server = await startServer(
      serverEnv({
        DATABASE_URL: databaseUrl,
        AUTH_SESSION_STRATEGY: strategy,
        AUTH_JWT_RECHECK_SECONDS: String(recheckSeconds),
      }),
    );
    pid = servingProcess(server.process.pid!, server.port);
  });
  afterAll(async () => {
    await server?.stop();
    if (user) await deleteTestUser(db, user);
    await db.$disconnect();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const mib = (bytes: number) => (bytes / MiB).toFixed(1);

  /** A credentials post of `totalBytes` with a real CSRF token and cookie, ready to be streamed from here. */
  async function bigSignIn(
    totalBytes: number,
    declareLength: boolean,
    pauseMs = 0,
  ): Promise<() => Promise<StreamedAnswer>> {
    const client = new HttpClient(server.url);
    const csrfToken = await client.csrfToken();
    return () =>
      postStreamed(`${server.url}/api/auth/callback/credentials`, {
        prefix: `csrfToken=${csrfToken}&email=${encodeURIComponent(user.email)}&password=`,
        totalBytes,
        declareLength,
        pauseMs,
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: client.cookieHeader() },
      });
  }
  const concurrently = async (posts: Promise<() => Promise<StreamedAnswer>>[]) =>
    Promise.all((await Promise.all(posts)).map((send) => send()));

  /** Runs `work` while sampling the serving process's RSS; returns the RSS before, the peak during, and after. */
  async function rssAround<T>(
    work: () => Promise<T>,
  ): Promise<{ result: T; before: number; peak: number; after: number }> {
    const before = residentBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(pid))), 20);
    try {
      const result = await work();
      await sleep(500);
      const after = residentBytes(pid);
      return { result, before, peak: Math.max(peak, after), after };
    } finally {
      clearInterval(sampler);
    }
  }

  /**
   * Normal traffic, then the same concurrent refusals with 20 MB bodies, so lazily loaded code, pools and the
   * buffers that carry the bytes read (and dropped) before the answer are already in the baseline. A server that
   * kept the bodies would need 4 × 20 MB here and 4 × 50 MB in the measured round: that difference would show.
   */
  async function warmUp() {
    for (let i = 0; i < 5; i++) {
      const client = new HttpClient(server.url);
      expect((await client.signIn(user.email, user.password)).status).toBe(302);
      expect((await client.json("/api/me")).status).toBe(200);
      expect((await client.signIn(user.email, "wrong-password")).status).toBe(302);
    }
    const refused = await concurrently(Array.from({ length: 4 }, () => bigSignIn(20 * MiB, true, 200)));
    expect(refused.map((a) => a.status)).toEqual([413, 413, 413, 413]);
    await sleep(1_000);
  }

  const statuses = (answers: StreamedAnswer[]) => answers.map((a) => a.status);
  const sentMiB = (answers: StreamedAnswer[]) => answers.map((a) => mib(a.sentBytes)).join("/");

  it("4 concurrent 50 MB posts with Content-Length, the client waiting briefly for an early answer: each 413, RSS grows by less than 16 MiB", async () => {
    await warmUp();
    const posts = await Promise.all(Array.from({ length: 4 }, () => bigSignIn(BODY_BYTES, true, 200)));
    const { result, before, peak, after } = await rssAround(() => Promise.all(posts.map((send) => send())));
    console.log(
      `[body-limit ${strategy}] 4 × 50 MB declared, paced: statuses ${statuses(result)}, sent ${sentMiB(result)} MiB; ` +
        `server pid ${pid} (launcher ${server.process.pid}) RSS ${mib(before)} → peak ${mib(peak)} → ${mib(after)} MiB`,
    );
    expect(statuses(result)).toEqual([413, 413, 413, 413]);
    for (const answer of result) expect(JSON.parse(answer.body)).toMatchObject({ error: "too_large" });
    expect(after - before).toBeLessThan(16 * MiB);
    expect(peak - before).toBeLessThan(16 * MiB);
  });

  it("4 concurrent 50 MB posts with Content-Length, streamed as fast as the socket takes them: each 413, RSS grows by less than 16 MiB plus what was sent before the answer", async () => {
    const posts = await Promise.all(Array.from({ length: 4 }, () => bigSignIn(BODY_BYTES, true)));
    const { result, before, peak, after } = await rssAround(() => Promise.all(posts.map((send) => send())));
    const sentBeforeAnswer = result.reduce((sum, a) => sum + a.sentBytes, 0);
    console.log(
      `[body-limit ${strategy}] 4 × 50 MB declared, unpaced: statuses ${statuses(result)}, sent ${sentMiB(result)} MiB; ` +
        `RSS ${mib(before)} → peak ${mib(peak)} → ${mib(after)} MiB`,
    );
    expect(statuses(result)).toEqual([413, 413, 413, 413]);
    // Bytes already in flight are read and dropped (garbage until the next collection), never kept: a server that
    // kept the bodies would grow by up to 200 MB here.
    expect(sentBeforeAnswer).toBeLessThan(4 * BODY_BYTES);
    expect(peak - before).toBeLessThan(16 * MiB + sentBeforeAnswer);
    expect((await new HttpClient(server.url).signIn(user.email, user.password)).status).toBe(302);
  });

  it("a 50 MB post without Content-Length (chunked) is refused with 413 or cut off, never a 5xx, and the server keeps serving", async () => {
    const post = await bigSignIn(BODY_BYTES, false);
    const { result, before, peak, after } = await rssAround(post);
    console.log(
      `[body-limit ${strategy}] 50 MB chunked: status ${result.status ?? `none (${result.error})`}, sent ${mib(result.sentBytes)} MiB; ` +
        `RSS ${mib(before)} → peak ${mib(peak)} → ${mib(after)} MiB`,
    );
    if (result.status !== null) {
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toMatchObject({ error: "too_large" });
    } else {
      expect(result.sentBytes).toBeLessThan(BODY_BYTES); // the server stopped reading and closed the connection
    }
    // At most the 16 MB cap plus the 2 MB read past it to deliver the answer are buffered, and only for this request.
    expect(peak - before).toBeLessThan(40 * MiB);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect((await new HttpClient(server.url).signIn(user.email, user.password)).status).toBe(302);
  });
});
