import { spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { DatabaseProvider } from "../lib/database-url";
import { projectRoot } from "../harness/databases";
import type { RunningServer } from "../harness/server";
import type { BenchDatabase, BenchDatabases } from "./databases";
import { signedInCookie, startBenchServer } from "./routes";
import { insertSessions, sqliteJournalMode } from "./session-rows";
import { isSuccessfulSignIn, signInRequest } from "./sign-in";
import type { BenchSettings } from "./settings";
import { summarize, type LatencySummary } from "./stats";

// Purging expired sessions while people sign in: a table full of expired Session rows, a server on the same
// database taking a steady stream of sign-ins (each one writes a Session row), and lib/auth/session-admin.ts's
// batched purge started in a separate process, as an operator's cron job would be. Sign-in latency before the
// purge is compared with sign-in latency while it runs.

export type PurgeRun = {
  provider: DatabaseProvider;
  rows: number;
  batchSize: number;
  bcryptCost: number;
  /** SQLite only: the journal mode of the database file once the server has served a signed-in request. */
  journalMode: string | null;
  purgeSeconds: number;
  deleted: number;
  batches: number;
  batchMs: LatencySummary;
  before: LatencySummary;
  during: LatencySummary;
  /** Sign-ins the server did not complete (e.g. the database stayed locked past its busy timeout), by answer. */
  failedSignIns: Record<string, number>;
  /** The first distinct error lines the server logged, when sign-ins failed. */
  serverErrors: string[];
  /** Worst sign-in during the purge minus the typical (p50) one before it. */
  stallMs: number;
  /** p99 sign-in latency during the purge minus p99 before it. */
  addedP99Ms: number;
  problems: string[];
};

type SignInSample = { start: number; end: number; ok: boolean; failure?: string };

/** `concurrency` sign-in loops against the server until stop() is called. */
function signInLoops(server: RunningServer, request: Awaited<ReturnType<typeof signInRequest>>, concurrency: number) {
  const samples: SignInSample[] = [];
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const start = Date.now();
      const t0 = performance.now();
      try {
        const response = await fetch(`${server.url}${request.path}`, {
          method: "POST",
          headers: request.headers,
          body: request.body,
          redirect: "manual",
        });
        await response.arrayBuffer();
        const location = response.headers.get("location");
        const ok = isSuccessfulSignIn(response.status, location);
        samples.push({
          start,
          end: start + (performance.now() - t0),
          ok,
          failure: ok ? undefined : `HTTP ${response.status} → ${location ?? "(no location)"}`,
        });
      } catch (error) {
        samples.push({ start, end: start + (performance.now() - t0), ok: false, failure: (error as Error).message });
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    samples,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

type PurgeChildOutput = { startedAt: number; finishedAt: number; result: { sessions: number }; batchMs: number[] };

function runPurgeProcess(databaseUrl: string, batchSize: number, pauseMs: number): Promise<PurgeChildOutput> {
  const tsx = join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");
  const child = spawn(process.execPath, [tsx, join("bench", "purge-child.ts")], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      BENCH_PURGE_BATCH_SIZE: String(batchSize),
      BENCH_PURGE_PAUSE_MS: String(pauseMs),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = stdout.trim().split("\n").pop();
      if (code !== 0 || !line) return reject(new Error(`purge process exited with ${code}:\n${stderr}`));
      resolve(JSON.parse(line) as PurgeChildOutput);
    });
  });
}

export async function benchPurge(
  databases: BenchDatabases,
  provider: DatabaseProvider,
  settings: BenchSettings,
): Promise<PurgeRun> {
  const { rows, bcryptCost } = settings.purge;
  const database = await databases.create(provider, bcryptCost);
  try {
    const now = Date.now();
    await insertSessions(provider, database.url, {
      userId: database.userId,
      from: 0,
      to: rows,
      expires: new Date(now - 86_400_000),
      createdAt: new Date(now - 2 * 86_400_000),
    });
    return await purgeDuringSignIns(database, settings);
  } finally {
    await database.drop();
  }
}

async function purgeDuringSignIns(database: BenchDatabase, settings: BenchSettings): Promise<PurgeRun> {
  const { rows, bcryptCost, batchSize, pauseMs, beforeSeconds, signInConcurrency } = settings.purge;
  const { provider } = database;
  const server = await startBenchServer(database, { strategy: "database" }, settings, bcryptCost);
  try {
    // A server in use has served signed-in requests before the purge runs; whatever the app sets up on its
    // first session check (e.g. SQLite's journal mode) is then in place, and reported.
    await signedInCookie(server);
    const journalMode = provider === "sqlite" ? sqliteJournalMode(database.url) : null;
    const signIns = signInLoops(server, await signInRequest(server), signInConcurrency);
    await sleep(1_000); // warm-up, not counted
    const beforeFrom = Date.now();
    await sleep(beforeSeconds * 1000);
    let purge: PurgeChildOutput;
    try {
      purge = await runPurgeProcess(database.url, batchSize, pauseMs);
    } finally {
      await signIns.stop();
    }
    const latency = (s: SignInSample) => s.end - s.start;
    const ok = signIns.samples.filter((s) => s.ok);
    const before = summarize(ok.filter((s) => s.start >= beforeFrom && s.end <= purge.startedAt).map(latency));
    const during = summarize(ok.filter((s) => s.end > purge.startedAt && s.start < purge.finishedAt).map(latency));
    const failedSignIns: Record<string, number> = {};
    for (const { failure } of signIns.samples) if (failure) failedSignIns[failure] = (failedSignIns[failure] ?? 0) + 1;
    const name = `purge ${provider}`;
    // Failed sign-ins are a finding about the app, reported in the table; these would make the measurement itself wrong.
    const problems = [
      before.count === 0 ? `${name}: no sign-in completed before the purge` : null,
      purge.result.sessions !== rows ? `${name}: deleted ${purge.result.sessions} of ${rows} expired sessions` : null,
      during.count === 0 ? `${name}: no sign-in completed during the purge` : null,
    ].filter((p): p is string => !!p);
    const serverErrors = Object.keys(failedSignIns).length
      ? [
          ...new Set(
            server
              .output()
              .split("\n")
              .filter((line) => /error/i.test(line))
              .map((line) => line.trim().slice(0, 300)),
          ),
        ].slice(0, 3)
      : [];
    return {
      provider,
      rows,
      batchSize,
      bcryptCost,
      journalMode,
      purgeSeconds: (purge.finishedAt - purge.startedAt) / 1000,
      deleted: purge.result.sessions,
      batches: purge.batchMs.length,
      batchMs: summarize(purge.batchMs),
      before,
      during,
      stallMs: during.max - before.p50,
      addedP99Ms: during.p99 - before.p99,
      failedSignIns,
      serverErrors,
      problems,
    };
  } finally {
    await server.stop();
  }
}
