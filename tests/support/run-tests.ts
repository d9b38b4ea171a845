// `npm test`: every suite, on SQLite and PostgreSQL, and the e2e suites once per session strategy
// against a production build. Options:
//   --only=unit,integration,e2e,standalone   run a subset (standalone: the Docker image's app, see standalone())
//   --skip-build                  reuse the existing .next build for e2e
//   E2E_PROVIDERS=sqlite,postgresql   E2E_STRATEGIES=database,jwt   narrow the matrix
//   INTEGRATION_PROVIDERS=sqlite,postgresql                          the same for the integration steps
//   E2E_FILES="account browser"       only e2e files whose path contains one of these words
//   Each e2e file runs only in the combinations its behaviour depends on (tests/support/e2e-matrix.ts).
//   TEST_POSTGRES_URL=postgresql://…/postgres   the PostgreSQL server to use (else 127.0.0.1:5432 when it answers,
//   else an embedded one started for the run); TEST_POSTGRES=embedded always starts the embedded one
//   CHROMIUM_PATH=…                   the browser (else an installed Chrome/Chromium is looked for)
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "../../lib/db";
import { parseEnv } from "../../lib/env";
import { seed } from "../../lib/seed";
import { findChromium } from "./chromium-path";
import { filesFor, unclassified } from "./e2e-matrix";
import { cloneTemplate, createTemplate, projectRoot } from "../../harness/databases";
import { serverEnv, startServer } from "../../harness/server";
import { findOrStartPostgres, type TestPostgres } from "../../harness/postgres";
import { harnessMailbox } from "../../harness/mail-catcher";

const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",") ?? ["unit", "integration", "e2e", "standalone"];
const skipBuild = args.includes("--skip-build");
const list = (name: string, fallback: string[]) => process.env[name]?.split(",").filter(Boolean) ?? fallback;
const providers = list("E2E_PROVIDERS", ["sqlite", "postgresql"]) as ("sqlite" | "postgresql")[];
const strategies = list("E2E_STRATEGIES", ["database", "jwt"]) as ("database" | "jwt")[];
const integrationProviders = list("INTEGRATION_PROVIDERS", ["sqlite", "postgresql"]) as ("sqlite" | "postgresql")[];
const E2E_JWT_RECHECK_SECONDS = "2";
// Open pages re-check their session this often (components/session-provider.tsx), so e2e sees it within seconds.
const E2E_CLIENT_REFRESH_SECONDS = "2";

const vitest = join(projectRoot, "node_modules", "vitest", "vitest.mjs");
const next = join(projectRoot, "node_modules", "next", "dist", "bin", "next");

const results: { name: string; ok: boolean; seconds: number; failures: string[]; report?: string }[] = [];

// Servers and test processes this run started: an interrupted run (Ctrl-C, a CI timeout) stops them instead of
// leaving them behind, and the embedded PostgreSQL (if one was started) after them.
const liveServers = new Set<{ stop: () => Promise<void> }>();
const liveChildren = new Set<ChildProcess>();
let postgres: TestPostgres | undefined;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping ${liveChildren.size} test process(es) and ${liveServers.size} server(s)`);
    // SIGINT lets vitest run its teardown (afterAll hooks stop the servers the e2e files start themselves).
    const exited = [...liveChildren].map(
      (child) => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGINT"))),
    );
    void Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 15_000))])
      .then(() => Promise.all([...liveServers].map((server) => server.stop())))
      .then(() => postgres?.stop())
      .finally(() => process.exit(130));
  });
}

async function run(
  name: string,
  command: string,
  commandArgs: string[],
  env: Record<string, string> = {},
): Promise<boolean> {
  const reportFile = commandArgs
    .find((arg) => arg.startsWith("--outputFile.json="))
    ?.slice("--outputFile.json=".length);
  // Once interrupted, no further step starts: the run waits here until the signal handler has cleaned up and exits.
  if (interrupted) return new Promise<boolean>(() => {});
  console.log(`\n━━ ${name} ━━`);
  const started = Date.now();
  // Not spawnSync: while the tests run, this process must keep reading the e2e server's stdout/stderr pipes.
  // A blocked event loop here lets the pipe fill up, and the server then blocks on its next log line.
  const status = await new Promise<number | null>((resolve) => {
    const child = spawn(command, commandArgs, { cwd: projectRoot, stdio: "inherit", env: { ...process.env, ...env } });
    liveChildren.add(child);
    child.on("error", () => resolve(null));
    child.on("exit", (code) => (liveChildren.delete(child), resolve(code)));
  });
  if (interrupted) return new Promise<boolean>(() => {});
  const ok = status === 0;
  const seconds = (Date.now() - started) / 1000;
  results.push({ name, ok, seconds, failures: ok ? [] : failuresIn(reportFile), report: reportFile });
  return ok;
}

// Each vitest step also writes a JSON report, so the summary at the very end names what failed: a CI log is often
// read from its tail only.
const reports = mkdtempSync(join(tmpdir(), "test-reports-"));
let reportCount = 0;
function vitestRun(...vitestArgs: string[]): string[] {
  const file = join(reports, `${++reportCount}.json`);
  return [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${file}`, ...vitestArgs];
}

type JsonReport = {
  testResults?: {
    name: string;
    status: string;
    startTime?: number;
    endTime?: number;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
};
function failuresIn(file: string | undefined): string[] {
  if (!file) return [];
  let report: JsonReport;
  try {
    report = JSON.parse(readFileSync(file, "utf8")) as JsonReport;
  } catch {
    return ["(no test report: the step failed before its tests ran)"];
  }
  const firstLine = (text: string | undefined) =>
    (text ?? "")
      .split("\n")
      .find((line) => line.trim())
      ?.trim()
      .slice(0, 300) ?? "";
  return (report.testResults ?? []).flatMap((fileResult) => {
    const path = fileResult.name.replace(`${projectRoot}/`, "");
    const failedTests = (fileResult.assertionResults ?? []).filter((test) => test.status === "failed");
    if (failedTests.length)
      return failedTests.map((test) => `${path} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    return fileResult.status === "failed" ? [`${path}: ${firstLine(fileResult.message)}`] : [];
  });
}

const e2eFiles = readdirSync(join(projectRoot, "tests", "e2e")).filter((file) => file.endsWith(".test.ts"));

/** The e2e files this combination runs: the matrix's choice, narrowed by E2E_FILES. */
function e2eFilesFor(combination: { provider: "sqlite" | "postgresql"; strategy: "database" | "jwt" }): string[] {
  const words = list("E2E_FILES", [])
    .flatMap((f) => f.split(" "))
    .filter(Boolean);
  return filesFor(e2eFiles, combination, { providers, strategies }).filter(
    (file) => !words.length || words.some((word) => file.includes(word)),
  );
}

/** The slowest test files of the run, from each step's JSON report. */
function slowestFiles(count: number): { step: string; path: string; seconds: number }[] {
  return results
    .flatMap(({ name, report }) => {
      let parsed: JsonReport;
      try {
        parsed = JSON.parse(readFileSync(report ?? "", "utf8")) as JsonReport;
      } catch {
        return [];
      }
      return (parsed.testResults ?? []).map((file) => ({
        step: name,
        path: file.name.replace(`${projectRoot}/`, ""),
        seconds: ((file.endTime ?? 0) - (file.startTime ?? 0)) / 1000,
      }));
    })
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count);
}

// Each step's time budget (seconds) on a 2-core machine: a step past it gets a warning line, not a failure, so
// a suite that slowly grows is noticed before it outgrows CI.
const BUDGET_FILE = join(projectRoot, "tests", "budgets.json");
function overBudget(): string[] {
  const budgets = JSON.parse(readFileSync(BUDGET_FILE, "utf8")) as Record<string, number>;
  return results.flatMap(({ name, seconds }) => {
    const budget = budgets[name];
    return budget !== undefined && seconds > budget
      ? [`WARN  ${name} took ${seconds.toFixed(0)} s, over its budget of ${budget} s (tests/budgets.json)`]
      : [];
  });
}

async function e2e(provider: "sqlite" | "postgresql") {
  // Every server of the run (the shared one here, and the files' own) sends to this catcher; the tests read it.
  const mail = await harnessMailbox();
  const template = await createTemplate(provider);
  try {
    for (const strategy of strategies) {
      const database = await cloneTemplate(template);
      const db = createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: database.url }));
      await seed(db, { cost: 4, production: false });
      await db.$disconnect();
      const env = serverEnv({
        DATABASE_URL: database.url,
        AUTH_SESSION_STRATEGY: strategy,
        AUTH_JWT_RECHECK_SECONDS: E2E_JWT_RECHECK_SECONDS,
        AUTH_CLIENT_REFRESH_SECONDS: E2E_CLIENT_REFRESH_SECONDS,
      });
      const files = e2eFilesFor({ provider, strategy });
      if (!files.length) {
        console.log(`\n━━ e2e ${provider} ${strategy}: no file depends on this combination ━━`);
        await database.drop();
        continue;
      }
      const server = await startServer(env);
      liveServers.add(server);
      try {
        const ok = await run(
          `e2e ${provider} ${strategy}`,
          process.execPath,
          vitestRun("--project", "e2e", ...files.map((file) => join("tests", "e2e", file))),
          {
            E2E_BASE_URL: server.url,
            E2E_DATABASE_URL: database.url,
            E2E_STRATEGY: strategy,
            E2E_PROVIDER: provider,
            E2E_JWT_RECHECK_SECONDS,
            TEST_SMTP_URL: mail.url,
            TEST_MAIL_DIR: mail.directory,
          },
        );
        if (!ok) console.error(`--- server output (${provider} ${strategy}) ---\n${server.output().slice(-5000)}`);
      } finally {
        await server.stop();
        liveServers.delete(server);
        await database.drop();
      }
    }
  } finally {
    await template.drop();
  }
}

// The Docker image's app, once per run (it needs a build of its own): built with standalone output into its own
// folder and assembled by the script the Dockerfile runs, then tests/e2e/standalone.test.ts starts it with the
// Dockerfile's CMD on empty databases of every provider, in both session strategies.
const STANDALONE_DIST_DIR = ".next-standalone-test";
async function standalone() {
  const tsconfig = join(projectRoot, "tsconfig.json");
  const tsconfigBefore = readFileSync(tsconfig, "utf8");
  const built = await run("standalone build", process.execPath, [next, "build"], {
    NEXT_OUTPUT: "standalone",
    NEXT_DIST_DIR: STANDALONE_DIST_DIR,
    NEXT_TELEMETRY_DISABLED: "1",
  });
  // next build adds a custom dist folder's types to tsconfig.json: put it back.
  if (readFileSync(tsconfig, "utf8") !== tsconfigBefore) writeFileSync(tsconfig, tsconfigBefore);
  const assemble = join(projectRoot, "docker", "assemble-standalone.mjs");
  if (!built || !(await run("standalone assemble", process.execPath, [assemble, STANDALONE_DIST_DIR]))) return;
  try {
    await run(
      "standalone (Docker image's app)",
      process.execPath,
      vitestRun("--project", "e2e", join("tests", "e2e", "standalone.test.ts")),
      {
        STANDALONE_APP_DIR: join(projectRoot, STANDALONE_DIST_DIR, "standalone"),
        STANDALONE_PROVIDERS: providers.join(","),
      },
    );
  } finally {
    rmSync(join(projectRoot, STANDALONE_DIST_DIR), { recursive: true, force: true });
  }
}

async function steps(browserMissing: string | undefined) {
  await run("schemas in sync", process.execPath, [join(projectRoot, "scripts", "sync-schemas.mjs"), "--check"]);
  if (only.includes("unit")) await run("unit", process.execPath, vitestRun("--project", "unit"));
  if (only.includes("integration")) {
    for (const provider of integrationProviders) {
      await run(`integration ${provider}`, process.execPath, vitestRun("--project", "integration"), {
        TEST_DATABASE_PROVIDER: provider,
      });
    }
  }
  if (only.includes("e2e") && !browserMissing) {
    const built =
      skipBuild || (await run("next build", process.execPath, [next, "build"], { NEXT_TELEMETRY_DISABLED: "1" }));
    if (built) for (const provider of providers) await e2e(provider);
  }
  if (only.includes("standalone")) await standalone();
}

async function main() {
  const started = Date.now();
  const missing = unclassified(e2eFiles);
  if (missing.length) {
    console.error(`Not in tests/support/e2e-matrix.ts (say what each depends on): ${missing.join(", ")}`);
    process.exit(1);
  }
  // The browser is looked for first: without one the e2e steps (and their build) are left out, the rest still runs.
  const browser = only.includes("e2e") ? findChromium() : undefined;
  if (browser?.path) {
    console.log(`Browser for the e2e tests: ${browser.path}`);
    process.env.CHROMIUM_PATH = browser.path;
  }
  if (browser?.instruction)
    console.log(`Browser for the e2e tests: none, so the e2e steps will not run (see the last line)`);
  const postgresSteps = [
    only.includes("integration") && integrationProviders.includes("postgresql"),
    only.includes("e2e") && !browser?.instruction && providers.includes("postgresql"),
    only.includes("standalone") && providers.includes("postgresql"),
  ];
  if (postgresSteps.some(Boolean)) {
    postgres = await findOrStartPostgres();
    console.log(`PostgreSQL for the tests: ${postgres.summary}`);
    process.env.TEST_POSTGRES_URL = postgres.url;
  }
  try {
    await steps(browser?.instruction);
  } finally {
    await postgres?.stop();
  }

  console.log("\n━━ summary ━━");
  for (const r of results) {
    console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name.padEnd(28)} ${r.seconds.toFixed(1)} s`);
    for (const failure of r.failures.slice(0, 10)) console.log(`      ✗ ${failure}`);
  }
  console.log("\n━━ slowest test files ━━");
  for (const file of slowestFiles(10))
    console.log(`${file.seconds.toFixed(1).padStart(7)} s  ${file.path}  (${file.step})`);
  for (const warning of overBudget()) console.log(warning);
  rmSync(reports, { recursive: true, force: true });
  if (browser?.instruction) console.log(`SKIP  ${"next build, e2e".padEnd(28)} no browser`);
  console.log(`Total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const failed = results.filter((r) => !r.ok);
  if (failed.length) console.error(`\n${failed.length} step(s) failed.`);
  if (browser?.instruction) {
    console.error(`\nThe e2e steps did not run. ${browser.instruction}`);
    process.exit(1);
  }
  if (failed.length) process.exit(1);
  console.log("\nAll test steps passed.");
}

main().catch(async (error) => {
  console.error(error);
  await postgres?.stop();
  process.exit(1);
});
