import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import bcrypt from "bcryptjs";
import { hashPassword, verifyPassword } from "../lib/password";
import { HttpClient } from "../harness/http-client";
import type { RunningServer } from "../harness/server";
import { BENCH_USER } from "./databases";
import { load, loadProblem, type LoadSummary } from "./load";
import { summarize, type LatencySummary } from "./stats";

// Sign-in cost: (a) how much bcrypt disturbs the event loop when it runs through lib/password.ts's worker pool,
// measured in this process (the server has no hook to read its event-loop delay from outside, but it runs the
// same pool code); (b) sign-ins per second against the real server, with /api/ping probed meanwhile as an
// outside view of how responsive the server stays.

export type DelaySample = { p99Ms: number; maxMs: number; durationMs: number };
export type EventLoopResult = {
  cost: number;
  concurrentHashes: number;
  workers: number;
  idle: DelaySample;
  rounds: DelaySample[];
  worstP99Ms: number;
  worstMaxMs: number;
  /** For comparison: one bcrypt compare on the main thread blocks the event loop this long. */
  mainThreadHashMs: number;
};

async function delayWhile(work: () => Promise<unknown>): Promise<DelaySample> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const started = performance.now();
  histogram.enable();
  await work();
  histogram.disable();
  return { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6, durationMs: performance.now() - started };
}

export async function eventLoopDuringHashing(options: {
  cost: number;
  workers: number;
  concurrentHashes: number;
  rounds: number;
}): Promise<EventLoopResult> {
  process.env.AUTH_HASH_WORKERS = String(options.workers); // read by lib/password.ts when its pool is created
  const hash = await hashPassword(BENCH_USER.password, options.cost);
  const signIns = () =>
    Promise.all(Array.from({ length: options.concurrentHashes }, () => verifyPassword(BENCH_USER.password, hash)));
  await signIns(); // start every worker first, as a server that has served a few sign-ins has

  const rounds: DelaySample[] = [];
  for (let i = 0; i < options.rounds; i++) rounds.push(await delayWhile(signIns));
  const idle = await delayWhile(() => sleep(rounds[0].durationMs));
  const blockedStart = performance.now();
  bcrypt.compareSync(BENCH_USER.password, hash);
  const mainThreadHashMs = performance.now() - blockedStart;
  return {
    cost: options.cost,
    concurrentHashes: options.concurrentHashes,
    workers: options.workers,
    idle,
    rounds,
    worstP99Ms: Math.max(...rounds.map((r) => r.p99Ms)),
    worstMaxMs: Math.max(...rounds.map((r) => r.maxMs)),
    mainThreadHashMs,
  };
}

/** A request body and Cookie header for POST /api/auth/callback/credentials, reusable for many sign-ins. */
export async function signInRequest(
  server: RunningServer,
): Promise<{ path: string; headers: Record<string, string>; body: string }> {
  const client = new HttpClient(server.url);
  const csrfToken = await client.csrfToken(); // Auth.js's double-submit token: valid with its cookie, any number of times
  const body = new URLSearchParams({
    csrfToken,
    email: BENCH_USER.email,
    password: BENCH_USER.password,
    callbackUrl: "/dashboard",
  });
  return {
    path: "/api/auth/callback/credentials",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: client.cookieHeader() },
    body: body.toString(),
  };
}

/** Auth.js answers every credentials POST with a redirect; a failed one points at an error. */
export function isSuccessfulSignIn(status: number, location: string | undefined | null): boolean {
  return status === 302 && !!location && !/[?&]error=|\/api\/auth\/error/.test(location);
}

/** Latencies of GET /api/ping, one request at a time with a short pause, until `until` resolves. */
export async function probePing(url: string, until: Promise<unknown>): Promise<LatencySummary> {
  let done = false;
  void until.finally(() => (done = true));
  const samples: number[] = [];
  while (!done) {
    const started = performance.now();
    const response = await fetch(`${url}/api/ping`);
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    await sleep(20);
  }
  return summarize(samples);
}

export type SignInThroughput = {
  cost: number;
  connections: number;
  load: LoadSummary;
  failed: number;
  pingIdle: LatencySummary;
  pingDuringSignIns: LatencySummary;
  problems: string[];
};

/** A fixed number of sign-ins rather than a duration: at cost 12 on a busy machine one sign-in can take seconds. */
export async function signInThroughput(
  server: RunningServer,
  options: { cost: number; signIns: number; connections: number },
): Promise<SignInThroughput> {
  const request = await signInRequest(server);
  let failed = 0;
  const requests = [
    {
      method: "POST",
      ...request,
      onResponse: (status: number, _body: string, _context: object, headers: Record<string, string>) => {
        if (!isSuccessfulSignIn(status, headers.location)) failed++;
      },
    },
  ];
  const pingIdle = await probePing(server.url, sleep(1_000));
  const running = load({
    url: `${server.url}${request.path}`,
    connections: options.connections,
    amount: options.signIns,
    requests,
  });
  const pingDuringSignIns = await probePing(server.url, running);
  const summary = await running;
  const problem = loadProblem(summary, 302);
  const problems = [problem, failed ? `${failed} sign-in(s) were refused` : null].filter((p): p is string => !!p);
  return {
    cost: options.cost,
    connections: options.connections,
    load: summary,
    failed,
    pingIdle,
    pingDuringSignIns,
    problems: problems.map((p) => `sign-in: ${p}`),
  };
}
