import { setTimeout as sleep } from "node:timers/promises";
import type { DatabaseProvider } from "../lib/database-url";
import { HttpClient } from "../harness/http-client";
import { serverEnv, startServer, type RunningServer } from "../harness/server";
import { BENCH_USER, type BenchDatabase } from "./databases";
import { load, loadInTurns, loadProblem, type LoadOptions, type LoadSummary } from "./load";
import { log } from "./log";
import { cpuMeter } from "./process-cpu";
import { residentMiB } from "../harness/process-memory";
import {
  appEnv,
  BASELINE_ROUTE,
  ROUTES,
  type BenchSettings,
  type RouteName,
  type RouteSpec,
  setupLabel,
  type SessionSetup,
} from "./settings";

// Requests per second (and CPU per request) for every route in settings.ts ROUTES against one `next start`, with
// the same signed-in cookie on every request but the signed-out page (so the only difference is what the route
// does with it); each authenticated route is compared with its own no-auth baseline. Then the server's RSS
// after each of several equal batches of /api/me requests.

export type RouteResult = LoadSummary & {
  route: RouteName;
  kind: RouteSpec["kind"];
  /** req/s ÷ /api/ping's req/s on the same server. */
  ratio: number;
  /** Authenticated routes: the no-auth route they are compared with, and req/s ÷ its req/s. */
  baseline?: RouteName;
  baselineRatio?: number;
};
export type MemoryResult = {
  requestsPerStep: number;
  /** RSS before the first batch, then after each batch. */
  readingsMiB: number[];
  /** Change over the last batch. */
  growthMiB: number;
};
export type ServerRun = SessionSetup & {
  provider: DatabaseProvider;
  /** Bytes of the session cookie (name=value, all chunks) a signed-in browser sends with every request. */
  sessionCookieBytes: number;
  routes: RouteResult[];
  memory: MemoryResult;
  problems: string[];
};

// Servers started and starting, so an interrupted run can stop them all.
const running = new Set<RunningServer>();
const starting = new Set<Promise<RunningServer>>();

export async function startBenchServer(
  database: BenchDatabase,
  { strategy, sessionCache }: SessionSetup,
  settings: BenchSettings,
  bcryptCost?: number,
): Promise<RunningServer> {
  const start = startServer(
    serverEnv(
      appEnv(settings, {
        DATABASE_URL: database.url,
        AUTH_SESSION_STRATEGY: strategy,
        AUTH_BCRYPT_COST: bcryptCost,
        sessionCache,
      }),
    ),
  ).then((server) => (running.add(server), server));
  starting.add(start);
  const server = await start.finally(() => starting.delete(start));
  return {
    ...server,
    stop: async () => {
      running.delete(server);
      await server.stop();
    },
  };
}

/** Stops every server still running or starting (the benchmark was interrupted). */
/** Runs `work` against a started server and stops it after; when `work` fails, the server's last output says why. */
export async function whileServing<T>(server: RunningServer, label: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    console.error(`--- next start output (${label}) ---\n${server.output().slice(-3000)}`);
    throw error;
  } finally {
    await server.stop();
  }
}

export async function stopAllServers(): Promise<void> {
  await Promise.allSettled([...starting]);
  await Promise.all([...running].map((server) => server.stop()));
  running.clear();
}

/** Signs in over HTTP like a browser and returns the Cookie header it would send afterwards. */
export async function signedInCookie(server: RunningServer): Promise<string> {
  return (await signIn(server)).cookie;
}

/** The Cookie header after signing in, and the size of its session cookie(s) as the browser sends them. */
async function signIn(server: RunningServer): Promise<{ cookie: string; sessionCookieBytes: number }> {
  const client = new HttpClient(server.url);
  const response = await client.signIn(BENCH_USER.email, BENCH_USER.password);
  if (!client.sessionCookie) {
    throw new Error(
      `Sign-in as ${BENCH_USER.email} failed: HTTP ${response.status} → ${response.headers.get("location")}`,
    );
  }
  // The routes must really be served to a signed-in user, or the benchmark would measure redirects and 401s.
  const me = await client.json<{ user?: { email?: string } }>("/api/me");
  if (me.status !== 200 || me.body.user?.email !== BENCH_USER.email)
    throw new Error(`GET /api/me with the new session: HTTP ${me.status}`);
  const page = await client.fetch("/dashboard");
  if (page.status !== 200) throw new Error(`GET /dashboard with the new session: HTTP ${page.status}`);
  // "authjs.session-token=…", or its ".0", ".1", … chunks when a JWT is too large for one cookie.
  const session = [...client.cookies].filter(([name]) => /^authjs\.session-token(\.\d+)?$/.test(name));
  return {
    cookie: client.cookieHeader(),
    sessionCookieBytes: session.reduce((sum, [name, value]) => sum + name.length + 1 + value.length, 0),
  };
}

export async function benchRoutes(
  server: RunningServer,
  run: SessionSetup & { provider: DatabaseProvider },
  settings: BenchSettings,
): Promise<ServerRun> {
  const { cookie, sessionCookieBytes } = await signIn(server);
  log("  signed in; warming up");
  const problems: string[] = [];
  const check = (name: string, summary: LoadSummary) => {
    const problem = loadProblem(summary, 200);
    if (problem) problems.push(`${run.provider}/${setupLabel(run)} ${name}: ${problem}`);
    return summary;
  };
  const options = (route: RouteSpec): LoadOptions => ({
    url: `${server.url}${route.path}`,
    connections: settings.connections,
    headers: route.signedIn ? { cookie } : {},
  });

  for (const route of ROUTES) check(route.name, await load({ ...options(route), duration: settings.warmupSeconds }));
  log("  measuring");
  const summaries = await loadInTurns(
    ROUTES.map((route) => ({ key: route.name, options: options(route) })),
    {
      seconds: settings.routeSeconds,
      rounds: settings.routeRounds,
      cpu: cpuMeter(server.process.pid!, run.provider === "postgresql"),
    },
  );
  for (const [name, summary] of summaries) check(name, summary);
  const rps = (name: RouteName) => summaries.get(name)!.rps;
  const routes: RouteResult[] = ROUTES.map((route) => ({
    route: route.name,
    kind: route.kind,
    ...summaries.get(route.name)!,
    ratio: rps(route.name) / rps(BASELINE_ROUTE),
    ...(route.baseline ? { baseline: route.baseline, baselineRatio: rps(route.name) / rps(route.baseline) } : {}),
  }));

  log("  memory");
  const pid = server.process.pid!;
  // Read after a short pause, so responses still being written do not count.
  const settledMiB = async () => (await sleep(1_000), residentMiB(pid));
  const me = ROUTES.find((route) => route.name === "/api/me")!;
  const readingsMiB = [await settledMiB()];
  for (let batch = 0; batch < settings.memoryBatches; batch++) {
    check("/api/me", await load({ ...options(me), amount: settings.memoryRequests }));
    readingsMiB.push(await settledMiB());
  }
  const memory = {
    requestsPerStep: settings.memoryRequests,
    readingsMiB,
    growthMiB: readingsMiB.at(-1)! - readingsMiB.at(-2)!,
  };
  return { ...run, sessionCookieBytes, routes, memory, problems };
}
