import { setTimeout as sleep } from "node:timers/promises";
import type { DatabaseProvider } from "../lib/database-url";
import { HttpClient } from "../harness/http-client";
import { serverEnv, startServer, type RunningServer } from "../harness/server";
import { BENCH_USER, type BenchDatabases } from "./databases";
import { log } from "./log";
import { whileServing } from "./routes";
import { appEnv, type BenchSettings } from "./settings";
import { isSuccessfulSignIn } from "./sign-in";
import { percentile, round } from "./stats";
import { tableText } from "./table";

// Can a flood of sign-ins with made-up emails keep the owner out? FLOOD clients post the credentials form back to
// back, each time for a new unknown email (one bcrypt compare against the dummy hash each), all from one client
// address or each from its own; meanwhile the owner signs in again and again from an address of their own, with
// the device cookie of an earlier sign-in or without one. Measured: the share of the owner's sign-ins that get
// in, and how long those take. The server trusts one proxy hop, so X-Forwarded-For is the client address.

const FLOOD = 40;
const CALLBACK = "/api/auth/callback/credentials";
const OWNER_IP = "192.0.2.200";
const REQUEST_TIMEOUT_MS = 60_000;

type FloodSource = "one address" | `${number} addresses`;
type Owner = "device cookie" | "no cookie";

export type SignInFloodRun = {
  provider: DatabaseProvider;
  source: FloodSource;
  owner: Owner;
  seconds: number;
  ownerAttempts: number;
  ownerSignedIn: number;
  ownerBusy: number;
  /** Of the owner's successful sign-ins. */
  ownerMs: { p50: number; p95: number };
  floodAnswers: number;
  floodBusy: number;
  /** Answers that are neither a sign-in redirect nor 503 busy, on either side (5xx, failed requests). */
  errors: string[];
};

export function signInFloodSettings(mode: BenchSettings["mode"]) {
  return { seconds: mode === "quick" ? 4 : 10 };
}

type Answer = { kind: "signed-in" | "refused" | "busy" | "error"; ms: number; detail: string };

async function post(client: HttpClient, csrfToken: string, email: string, password: string, ip: string) {
  const started = performance.now();
  try {
    const response = await client.fetch(CALLBACK, {
      method: "POST",
      headers: { "x-forwarded-for": ip },
      form: { csrfToken, email, password, callbackUrl: "/dashboard" },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    const ms = performance.now() - started;
    const location = response.headers.get("location");
    const detail = `HTTP ${response.status} ${location ?? ""}`;
    if (isSuccessfulSignIn(response.status, location)) return { kind: "signed-in", ms, detail } as Answer;
    if (response.status === 503) return { kind: "busy", ms, detail } as Answer;
    return { kind: response.status === 302 ? "refused" : "error", ms, detail } as Answer;
  } catch (error) {
    return { kind: "error", ms: performance.now() - started, detail: (error as Error).message } as Answer;
  }
}

/** FLOOD clients signing in for a new unknown email each time, back to back, until stopped. */
function startFlood(server: RunningServer, ipOf: (client: number) => string) {
  const answers: Answer[] = [];
  let stopped = false;
  let next = 0;
  const loop = async (i: number) => {
    const client = new HttpClient(server.url);
    const csrfToken = await client.csrfToken();
    while (!stopped) answers.push(await post(client, csrfToken, `flood-${next++}@example.com`, "not-it", ipOf(i)));
  };
  const loops = Array.from({ length: FLOOD }, (_, i) => loop(i));
  return {
    answers,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function measure(
  server: RunningServer,
  provider: DatabaseProvider,
  { source, owner, device, seconds }: { source: FloodSource; owner: Owner; device: string; seconds: number },
): Promise<SignInFloodRun> {
  const flood = startFlood(server, (i) => (source === "one address" ? "203.0.113.7" : `198.51.100.${i + 1}`));
  try {
    // The owner starts once the flood is being turned away: the queue (or the flood's share of it) is full.
    const deadline = Date.now() + 60_000;
    while (!flood.answers.some((a) => a.kind === "busy") && Date.now() < deadline) await sleep(20);
    const mine: Answer[] = [];
    const floodBefore = flood.answers.length;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      const client = new HttpClient(server.url);
      if (owner === "device cookie") client.cookies.set("authjs.device", device);
      const csrfToken = await client.csrfToken();
      mine.push(await post(client, csrfToken, BENCH_USER.email, BENCH_USER.password, OWNER_IP));
    }
    const floodDuring = flood.answers.slice(floodBefore);
    const signedIn = mine
      .filter((a) => a.kind === "signed-in")
      .map((a) => a.ms)
      .sort((a, b) => a - b);
    const errors = [...mine.filter((a) => a.kind !== "signed-in" && a.kind !== "busy"), ...floodDuring]
      .filter((a) => a.kind === "error")
      .map((a) => a.detail);
    return {
      provider,
      source,
      owner,
      seconds,
      ownerAttempts: mine.length,
      ownerSignedIn: signedIn.length,
      ownerBusy: mine.filter((a) => a.kind === "busy").length,
      ownerMs: { p50: percentile(signedIn, 50), p95: percentile(signedIn, 95) },
      floodAnswers: floodDuring.length,
      floodBusy: floodDuring.filter((a) => a.kind === "busy").length,
      errors: [...new Set(errors)].slice(0, 5),
    };
  } finally {
    await flood.stop();
  }
}

export async function benchSignInFlood(
  databases: BenchDatabases,
  provider: DatabaseProvider,
  settings: BenchSettings,
): Promise<SignInFloodRun[]> {
  const { seconds } = signInFloodSettings(settings.mode);
  const database = await databases.create(provider, settings.bcryptCost);
  try {
    const env = serverEnv({
      ...appEnv(settings, { DATABASE_URL: database.url, AUTH_SESSION_STRATEGY: "database" }),
      // The flood from one address must keep hashing, not be locked out by the per-address sign-in limit.
      AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS: "1000000",
    });
    // Raised by the harness for the e2e files; measured at the app's defaults.
    delete env.AUTH_HASH_CLIENT_MAX;
    delete env.AUTH_HASH_ACCOUNT_MAX;
    const server = await startServer(env);
    return whileServing(server, `signin-flood, ${provider}`, async () => {
      // A first sign-in gives the owner's browser its device cookie.
      const browser = new HttpClient(server.url);
      await browser.signIn(BENCH_USER.email, BENCH_USER.password, "/dashboard", { "x-forwarded-for": OWNER_IP });
      const device = browser.cookies.get("authjs.device");
      if (!browser.sessionCookie || !device) throw new Error("signin-flood: the owner's first sign-in failed");
      const runs: SignInFloodRun[] = [];
      for (const source of ["one address", `${FLOOD} addresses`] as const) {
        for (const owner of ["device cookie", "no cookie"] as const) {
          log(`  ${FLOOD} clients from ${source}, the owner with ${owner}, ${seconds} s`);
          runs.push(await measure(server, provider, { source, owner, device, seconds }));
        }
      }
      return runs;
    });
  } finally {
    await database.drop();
  }
}

export function signInFloodText(runs: SignInFloodRun[], settings: BenchSettings): string {
  const share = (part: number, whole: number) => (whole ? `${round((100 * part) / whole, 0)} %` : "–");
  const ms = (value: number) => (Number.isFinite(value) ? String(round(value, 0)) : "–");
  return tableText({
    title:
      `Sign-in under a flood: ${FLOOD} clients signing in back to back with unknown emails while the owner signs in ` +
      `again and again (bcrypt cost ${settings.bcryptCost}, ${settings.hashWorkers} hash workers)`,
    headers: [
      "database",
      "flood from",
      "owner",
      "owner tries",
      "got in",
      "busy",
      "p50 ms",
      "p95 ms",
      "flood answers/s",
      "flood busy",
      "errors",
    ],
    rows: runs.map((run) => [
      run.provider,
      run.source,
      run.owner,
      String(run.ownerAttempts),
      share(run.ownerSignedIn, run.ownerAttempts),
      String(run.ownerBusy),
      ms(run.ownerMs.p50),
      ms(run.ownerMs.p95),
      String(round(run.floodAnswers / run.seconds, 0)),
      share(run.floodBusy, run.floodAnswers),
      run.errors.length ? run.errors.join("; ") : "0",
    ]),
    notes: [
      "got in: the owner's sign-ins that succeeded; p50/p95: how long those took. busy: answered 503, try again.",
      "errors: answers that are neither a sign-in redirect nor 503 busy, from the owner or the flood (must be 0).",
    ],
  });
}
