// npm run bench [-- --quick] [--skip-build] [--only=routes,signin,scale,purge,cookies,feed,admin]
// (BENCH_PURGE_ONLY=sqlite|postgresql limits the purge phase to one database, for trying purge settings.)
//
// Builds the app into .next-bench, starts production servers on throwaway SQLite and PostgreSQL databases,
// and measures what issue 6 asks for: authenticated routes against a no-auth baseline in both session
// strategies, memory, sign-in cost, session lookups as the table grows, and purging during sign-ins.
// Writes bench/results.json, docs/benchmarks.md and docs/benchmarks.svg (only when every phase ran).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { DatabaseProvider } from "../lib/database-url";
import { projectRoot } from "../harness/databases";
import type { RunningServer } from "../harness/server";
import { findOrStartPostgres, type TestPostgres } from "../harness/postgres";
import { adminRunsText, benchAdmin, type AdminRun } from "./admin";
import { ratioChartSvg } from "./chart";
import { benchCookieDecryption } from "./cookie-decryption";
import { BenchDatabases } from "./databases";
import { elapsedSeconds, log } from "./log";
import { machineInfo, sourceVersion } from "./machine";
import { benchFeed } from "./feed";
import { benchPurge } from "./purge";
import { benchResetFlood, resetFloodText, type ResetFloodRun } from "./reset-flood";
import { benchmarksMarkdown, printResults } from "./report";
import type { BenchResults } from "./results";
import { benchRoutes, startBenchServer, stopAllServers } from "./routes";
import { benchScale } from "./scale";
import {
  BENCH_DIST_DIR,
  benchSettings,
  PROVIDERS,
  setupLabel,
  setupsFor,
  TARGETS,
  type BenchSettings,
  type SessionSetup,
} from "./settings";
import { eventLoopDuringHashing, signInThroughput } from "./sign-in";
import { benchSignInFlood, signInFloodText, type SignInFloodRun } from "./sign-in-flood";

const PHASES = [
  "routes",
  "signin",
  "scale",
  "purge",
  "cookies",
  "feed",
  "admin",
  "reset-flood",
  "signin-flood",
] as const;
type Phase = (typeof PHASES)[number];

const USAGE = `Usage: npm run bench [-- --quick] [--skip-build] [--only=${PHASES.join(",")}] [--report-only]
  --quick        shorter runs and smaller tables
  --skip-build   reuse the build in ${BENCH_DIST_DIR}
  --only=…       run some phases only (prints results, writes no files)
  --report-only  measure nothing: render docs/benchmarks.md and .svg again from bench/results.json`;

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean" },
      "skip-build": { type: "boolean" },
      only: { type: "string" },
      "report-only": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = values.only?.split(",").filter(Boolean) ?? [...PHASES];
  const unknown = only.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`Unknown phase(s) ${unknown.join(", ")}.\n\n${USAGE}`);
  return {
    quick: !!values.quick,
    skipBuild: !!values["skip-build"],
    reportOnly: !!values["report-only"],
    phases: new Set(only as Phase[]),
  };
}

function build(): void {
  log(`next build → ${BENCH_DIST_DIR}`);
  const next = join(projectRoot, "node_modules", "next", "dist", "bin", "next");
  // next build adds the build folder's type paths to tsconfig.json; a benchmark must not edit the project.
  const tsconfig = join(projectRoot, "tsconfig.json");
  const tsconfigBefore = readFileSync(tsconfig, "utf8");
  const result = spawnSync(process.execPath, [next, "build"], {
    cwd: projectRoot,
    env: { ...process.env, NEXT_DIST_DIR: BENCH_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
  });
  if (readFileSync(tsconfig, "utf8") !== tsconfigBefore) writeFileSync(tsconfig, tsconfigBefore);
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

async function withServer<T>(
  databases: BenchDatabases,
  run: SessionSetup & { provider: DatabaseProvider },
  settings: BenchSettings,
  fn: (server: RunningServer) => Promise<T>,
): Promise<T> {
  const database = await databases.create(run.provider, settings.bcryptCost);
  try {
    log("  database ready; starting next start");
    const server = await startBenchServer(database, run, settings);
    try {
      return await fn(server);
    } catch (error) {
      console.error(
        `--- next start output (${run.provider} / ${setupLabel(run)}) ---\n${server.output().slice(-3000)}`,
      );
      throw error;
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

const RESULTS_PATH = join(projectRoot, "bench", "results.json");

function writeDocs(results: BenchResults): void {
  const { machine, settings } = results;
  const subtitle = `${settings.mode} run, ${results.generatedAt.slice(0, 10)}, ${machine.cpuCount} × ${machine.cpuModel}, Node.js ${machine.node}, autocannon ${settings.connections} connections`;
  writeFileSync(
    join(projectRoot, "docs", "benchmarks.svg"),
    ratioChartSvg(results.servers, results.targets.ratio, subtitle),
  );
  writeFileSync(join(projectRoot, "docs", "benchmarks.md"), benchmarksMarkdown(results));
}

async function main() {
  const { quick, skipBuild, reportOnly, phases } = options();
  if (reportOnly) {
    const results = JSON.parse(readFileSync(RESULTS_PATH, "utf8")) as BenchResults;
    console.log(printResults(results));
    writeDocs(results);
    log("wrote docs/benchmarks.md, docs/benchmarks.svg from bench/results.json");
    return;
  }
  const settings = benchSettings(quick);
  const machine = machineInfo();
  const phaseSeconds: Record<string, number> = {};
  const timed = async <T>(phase: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      phaseSeconds[phase] = (phaseSeconds[phase] ?? 0) + (performance.now() - t0) / 1000;
    }
  };
  log(
    `${settings.mode} run on ${machine.cpuCount} × ${machine.cpuModel}, load average ${machine.loadAverage.join(" / ")}`,
  );

  const needsBuild = [...phases].some((phase) => phase !== "cookies"); // the cookies phase runs in-process
  if (needsBuild && skipBuild) {
    if (!existsSync(join(projectRoot, BENCH_DIST_DIR, "BUILD_ID")))
      throw new Error(`--skip-build: no build in ${BENCH_DIST_DIR}; run without it once.`);
  } else if (needsBuild) {
    await timed("build", build);
  }

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    mode: settings.mode,
    source: sourceVersion(projectRoot),
    durationSeconds: 0,
    phaseSeconds,
    machine: { ...machine, loadAverageAtEnd: [] },
    settings,
    targets: TARGETS,
    servers: [],
    signIn: {},
    scale: [],
    purge: [],
    problems: [],
  };
  if (phases.has("cookies")) {
    log(
      `cookies: ${settings.cookieDecryptions.toLocaleString("en-US")} JWT cookie decryptions: steady, distinct and tampered`,
    );
    results.cookieDecryption = await timed("cookies", () => benchCookieDecryption(settings.cookieDecryptions));
  }
  const databases = new BenchDatabases();
  let postgres: TestPostgres | undefined;
  // Interrupted (Ctrl-C, kill): stop the servers and drop the throwaway databases before leaving.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping servers and dropping databases`);
      void stopAllServers()
        .then(() => databases.dropAll())
        .then(() => postgres?.stop())
        .finally(() => process.exit(130));
    });
  }
  const purgesPostgres =
    phases.has("purge") && (!process.env.BENCH_PURGE_ONLY || process.env.BENCH_PURGE_ONLY === "postgresql");
  if (
    phases.has("routes") ||
    phases.has("scale") ||
    phases.has("feed") ||
    phases.has("admin") ||
    phases.has("reset-flood") ||
    phases.has("signin-flood") ||
    purgesPostgres
  ) {
    // The same server search as `npm test`; the bench databases are created on it (harness/databases.ts).
    postgres = await findOrStartPostgres({ forBenchmark: true });
    log(`PostgreSQL: ${postgres.summary}`);
    process.env.TEST_POSTGRES_URL = postgres.url;
  }
  // Printed after the other results (bench/results.json has no place for them yet).
  const adminRuns: AdminRun[] = [];
  try {
    for (const provider of phases.has("routes") ? PROVIDERS : []) {
      for (const setup of setupsFor(provider)) {
        const { strategy } = setup;
        log(`routes: ${provider} / ${setupLabel(setup)}`);
        await timed("routes", () =>
          withServer(databases, { provider, ...setup }, settings, async (server) => {
            results.servers.push(await benchRoutes(server, { provider, ...setup }, settings));
            // Sign-ins per second on the server that is already up (one combination is enough).
            if (phases.has("signin") && provider === "sqlite" && strategy === "database") {
              log(`sign-in: sign-ins per second (${provider} / ${strategy})`);
              results.signIn.throughput = await timed("signin", () =>
                signInThroughput(server, {
                  cost: settings.bcryptCost,
                  signIns: settings.signIn.signIns,
                  connections: settings.signIn.loadConnections,
                }),
              );
            }
          }),
        );
      }
    }
    if (phases.has("signin")) {
      if (!results.signIn.throughput) {
        log("sign-in: sign-ins per second (sqlite / database)");
        results.signIn.throughput = await timed("signin", () =>
          withServer(databases, { provider: "sqlite", strategy: "database" }, settings, (server) =>
            signInThroughput(server, {
              cost: settings.bcryptCost,
              signIns: settings.signIn.signIns,
              connections: settings.signIn.loadConnections,
            }),
          ),
        );
      }
      log("sign-in: event-loop delay while hashing");
      results.signIn.eventLoop = await timed("signin", () =>
        eventLoopDuringHashing({ cost: settings.bcryptCost, workers: settings.hashWorkers, ...settings.signIn }),
      );
    }
    for (const provider of phases.has("scale") ? PROVIDERS : []) {
      log(
        `scale: ${provider}, ${settings.scale.small.toLocaleString("en-US")} → ${settings.scale.large.toLocaleString("en-US")} sessions`,
      );
      results.scale.push(await timed("scale", () => benchScale(databases, provider, settings)));
    }
    for (const provider of phases.has("purge")
      ? PROVIDERS.filter((p) => !process.env.BENCH_PURGE_ONLY || p === process.env.BENCH_PURGE_ONLY)
      : []) {
      log(`purge: ${provider}, ${settings.purge.rows.toLocaleString("en-US")} expired sessions`);
      results.purge.push(await timed("purge", () => benchPurge(databases, provider, settings)));
    }
    if (phases.has("feed")) {
      log("feed: change propagation across three JWT instances on PostgreSQL");
      results.feed = await timed("feed", () => benchFeed(databases, settings));
    }
    for (const provider of phases.has("admin") ? PROVIDERS : []) {
      log(`admin: ${provider}, /admin over a large user table`);
      adminRuns.push(await timed("admin", () => benchAdmin(databases, provider, settings)));
    }
    const floodRuns: ResetFloodRun[] = [];
    for (const provider of phases.has("reset-flood") ? PROVIDERS : []) {
      log(`reset-flood: ${provider}, forgot-password requests for unknown addresses, and the owner's`);
      floodRuns.push(await timed("reset-flood", () => benchResetFlood(databases, provider, settings)));
    }
    if (floodRuns.length) console.log(`\n${resetFloodText(floodRuns)}\n`);
    const signInFloodRuns: SignInFloodRun[] = [];
    for (const provider of phases.has("signin-flood") ? PROVIDERS : []) {
      log(`signin-flood: ${provider}, the owner's sign-ins while unknown emails flood the hashing queue`);
      signInFloodRuns.push(...(await timed("signin-flood", () => benchSignInFlood(databases, provider, settings))));
    }
    if (signInFloodRuns.length) console.log(`\n${signInFloodText(signInFloodRuns, settings)}\n`);
  } finally {
    await databases.dropAll();
    await postgres?.stop();
  }

  results.durationSeconds = elapsedSeconds();
  results.machine.loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
  results.problems = [
    ...results.servers.flatMap((s) => s.problems),
    ...(results.signIn.throughput?.problems ?? []),
    ...results.purge.flatMap((p) => p.problems),
  ];
  console.log(`\n${printResults(results)}\n`);
  if (adminRuns.length) console.log(`${adminRunsText(adminRuns)}\n`);
  log(`done in ${Math.round(results.durationSeconds)} s`);

  if (phases.size === PHASES.length) {
    mkdirSync(join(projectRoot, "bench"), { recursive: true });
    writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
    writeDocs(results);
    log("wrote bench/results.json, docs/benchmarks.md, docs/benchmarks.svg");
  }
  if (results.problems.length) {
    console.error(
      `\nThe run had problems, so its numbers are not trustworthy:\n${results.problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
