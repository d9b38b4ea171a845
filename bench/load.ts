import { createRequire } from "node:module";
import { join } from "node:path";
import { projectRoot } from "../harness/databases";
import type { CpuReading } from "./process-cpu";
import { summarize } from "./stats";

// A typed wrapper around autocannon's programmatic API (the package ships no types): the subset the
// benchmark uses, and a summary with the numbers the report needs.

type AutocannonResult = {
  requests: { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
};
type RequestSpec = {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  onResponse?: (status: number, body: string, context: object, headers: Record<string, string>) => void;
};
export type LoadOptions = {
  url: string;
  connections?: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  /** Total requests, instead of a duration. */
  amount?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: RequestSpec[];
};
type Instance = Promise<AutocannonResult> & {
  on(
    event: "response",
    listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
  ): void;
};
type Autocannon = (options: LoadOptions & { timeout?: number }) => Instance;

const autocannon = createRequire(join(projectRoot, "package.json"))("autocannon") as Autocannon;

export type LoadSummary = {
  /** Mean rate: completed requests ÷ seconds. */
  rps: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  requests: number;
  seconds: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** CPU time per completed request, in µs, when a CPU meter was given: the server's and PostgreSQL's. */
  serverCpuUs?: number;
  databaseCpuUs?: number;
};

type Run = {
  requests: number;
  seconds: number;
  errors: number;
  statusCodes: Record<string, number>;
  latencies: number[];
  cpu?: CpuReading;
};

async function run(options: LoadOptions): Promise<Run> {
  const instance = autocannon({ connections: 10, timeout: 30, ...options });
  const latencies: number[] = [];
  instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  return {
    requests: result.requests.total,
    seconds: result.duration,
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    latencies,
  };
}

function summarizeRuns(runs: Run[]): LoadSummary {
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const statusCodes: Record<string, number> = {};
  for (const r of runs)
    for (const [code, count] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  const latency = summarize(runs.flatMap((r) => r.latencies));
  const metered = runs.every((r) => r.cpu);
  const cpuUs = (part: keyof CpuReading) => (runs.reduce((sum, r) => sum + r.cpu![part], 0) / requests) * 1e6;
  return {
    ...(metered ? { serverCpuUs: cpuUs("server"), databaseCpuUs: cpuUs("database") } : {}),
    rps: requests / seconds,
    latencyP50: latency.p50,
    latencyP99: latency.p99,
    latencyMax: latency.max,
    requests,
    seconds,
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    statusCodes,
  };
}

export async function load(options: LoadOptions): Promise<LoadSummary> {
  return summarizeRuns([await run(options)]);
}

/**
 * Loads several targets in turns (a, b, c, a, b, c, …) for `seconds` each in total, so that a burst of load from
 * elsewhere on a shared machine hits every target alike instead of whichever happened to run at that moment.
 */
export async function loadInTurns<K extends string>(
  targets: { key: K; options: LoadOptions }[],
  { seconds, rounds, cpu }: { seconds: number; rounds: number; cpu?: () => CpuReading },
): Promise<Map<K, LoadSummary>> {
  const runs = new Map<K, Run[]>(targets.map((t) => [t.key, []]));
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const before = cpu?.();
      const result = await run({ ...target.options, duration: seconds / rounds });
      const after = cpu?.();
      runs
        .get(target.key)!
        .push(
          before && after
            ? { ...result, cpu: { server: after.server - before.server, database: after.database - before.database } }
            : result,
        );
    }
  }
  return new Map(targets.map((t) => [t.key, summarizeRuns(runs.get(t.key)!)]));
}

/** Problems that make a run meaningless (it would be measuring error pages), or null. */
export function loadProblem(summary: LoadSummary, expectedStatus: number): string | null {
  const unexpected = Object.entries(summary.statusCodes).filter(([code]) => Number(code) !== expectedStatus);
  if (summary.errors === 0 && unexpected.length === 0 && summary.requests > 0) return null;
  const codes = unexpected.map(([code, count]) => `${count}× HTTP ${code}`).join(", ");
  return `expected only HTTP ${expectedStatus}, got ${[codes, summary.errors ? `${summary.errors} errors` : ""].filter(Boolean).join(", ") || "no responses"}`;
}
