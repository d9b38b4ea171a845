import type { BenchResults } from "./results";
import { BENCH_DIST_DIR } from "./settings";
import { tableMarkdown, tableText, type Table } from "./table";

// The printed summary and docs/benchmarks.md, both built from the same tables.

const n = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const us = (ms: number) => n(Math.round(ms * 1000), 0);
const pct = (ratio: number) => (Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : "–");
const verdict = (ok: boolean) => (ok ? "yes" : "NO");

/** One line per goal of the issue: the worst measured value against its target. */
export function targetTable(results: BenchResults): Table {
  const { targets } = results;
  const rows: string[][] = [];
  const authenticated = results.servers.flatMap((run) =>
    run.routes.filter((r) => r.kind === "authenticated").map((r) => ({ ...r, where: `${run.provider}/${run.strategy} ${r.route}` })),
  );
  if (authenticated.length) {
    const worst = authenticated.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    const met = authenticated.filter((r) => r.ratio >= targets.ratio).length;
    rows.push([`authenticated req/s ≥ ${pct(targets.ratio)} of baseline`, `lowest ${pct(worst.ratio)} (${worst.where}); ${met} of ${authenticated.length} meet it`, verdict(met === authenticated.length)]);
  }
  const { eventLoop, throughput } = results.signIn;
  if (eventLoop) rows.push([`event-loop p99 ≤ ${targets.eventLoopP99Ms} ms during 4 sign-ins`, `worst round ${n(eventLoop.worstP99Ms)} ms (max ${n(eventLoop.worstMaxMs)} ms)`, verdict(eventLoop.worstP99Ms <= targets.eventLoopP99Ms)]);
  if (throughput) rows.push([`sign-ins per second at cost ${throughput.cost}`, `${n(throughput.load.rps)} /s`, "reported"]);
  if (results.scale.length) {
    const worst = results.scale.reduce((a, b) => (b.p50Ratio > a.p50Ratio ? b : a));
    rows.push([`session lookup p50 ≤ ${targets.scaleP50Ratio}× from ${worst.small.rows.toLocaleString("en-US")} to ${worst.large.rows.toLocaleString("en-US")} rows`, `worst ${n(worst.p50Ratio, 2)}× (${worst.provider}: p50 ${us(worst.small.lookups.p50)} → ${us(worst.large.lookups.p50)} µs)`, verdict(worst.p50Ratio <= targets.scaleP50Ratio)]);
  }
  if (results.purge.length) {
    const worst = results.purge.reduce((a, b) => (b.stallMs > a.stallMs ? b : a));
    rows.push([`purge stalls sign-ins ≤ ${targets.purgeStallMs} ms`, `worst ${n(worst.stallMs, 0)} ms (${worst.provider}, ${worst.rows.toLocaleString("en-US")} rows)`, verdict(worst.stallMs <= targets.purgeStallMs)]);
  }
  if (results.servers.length) {
    const worst = results.servers.reduce((a, b) => (b.memory.growthMiB > a.memory.growthMiB ? b : a));
    rows.push([`RSS growth over the second ${results.settings.memoryRequests.toLocaleString("en-US")} requests`, `largest ${n(worst.memory.growthMiB)} MiB (${worst.provider}/${worst.strategy})`, "reported"]);
  }
  return { title: "Targets (issue 6)", headers: ["goal", "measured", "met"], rows };
}

export function resultTables(results: BenchResults): Table[] {
  const { targets, settings } = results;
  const tables: Table[] = [targetTable(results)];

  if (results.servers.length) {
    tables.push({
      title: `Requests per second (${settings.connections} connections, ${settings.routeSeconds} s per route in ${settings.routeRounds} alternating turns, ratio to /api/ping on the same server)`,
      headers: ["database", "strategy", "route", "req/s", "p50 ms", "p99 ms", "ratio", `≥ ${pct(targets.ratio)}`],
      rows: results.servers.flatMap((run) =>
        run.routes.map((r) => [
          run.provider,
          run.strategy,
          r.route,
          n(r.rps, 0),
          n(r.latencyP50),
          n(r.latencyP99),
          pct(r.ratio),
          r.kind === "authenticated" ? verdict(r.ratio >= targets.ratio) : r.kind,
        ]),
      ),
      notes: [
        "\"/ (signed out)\" is the home page without a cookie: a page rendered with no session work, for telling rendering cost from authorization cost on /dashboard.",
      ],
    });
    const steps = settings.memoryRequests.toLocaleString("en-US");
    tables.push({
      title: `Server memory (VmRSS) around two batches of ${steps} GET /api/me`,
      headers: ["database", "strategy", "RSS before MiB", `after ${steps} MiB`, `after 2 × ${steps} MiB`, "growth (2nd batch) MiB"],
      rows: results.servers.map((run) => [
        run.provider,
        run.strategy,
        n(run.memory.beforeMiB),
        n(run.memory.afterFirstMiB),
        n(run.memory.afterSecondMiB),
        n(run.memory.growthMiB),
      ]),
    });
  }

  const { eventLoop, throughput } = results.signIn;
  if (eventLoop) {
    tables.push({
      title: `Event-loop delay while ${eventLoop.concurrentHashes} sign-in hashes run (bcrypt cost ${eventLoop.cost}, ${eventLoop.workers} worker threads, measured in-process)`,
      headers: ["measurement", "p99 ms", "max ms", `p99 ≤ ${targets.eventLoopP99Ms} ms`],
      rows: [
        ["idle (noise floor)", n(eventLoop.idle.p99Ms), n(eventLoop.idle.maxMs), ""],
        ...eventLoop.rounds.map((r, i) => [`round ${i + 1} (${n(r.durationMs, 0)} ms)`, n(r.p99Ms), n(r.maxMs), verdict(r.p99Ms <= targets.eventLoopP99Ms)]),
      ],
      notes: [
        `For comparison, one bcrypt compare on the main thread blocks the event loop for ${n(eventLoop.mainThreadHashMs, 0)} ms.`,
        "Measured in the benchmark process through lib/password.ts (the same worker pool the server uses): the server exposes no event-loop metric without extra instrumentation.",
      ],
    });
  }
  if (throughput) {
    tables.push({
      title: `Sign-ins per second against the server (sqlite/database, bcrypt cost ${throughput.cost}, ${throughput.connections} connections)`,
      headers: ["sign-ins/s", "p50 ms", "p99 ms", "sign-ins", "refused", "GET /api/ping idle p50/p99 ms", "… during sign-ins p50/p99 ms"],
      rows: [
        [
          n(throughput.load.rps),
          n(throughput.load.latencyP50, 0),
          n(throughput.load.latencyP99, 0),
          String(throughput.load.requests),
          String(throughput.failed),
          `${n(throughput.pingIdle.p50)} / ${n(throughput.pingIdle.p99)}`,
          `${n(throughput.pingDuringSignIns.p50)} / ${n(throughput.pingDuringSignIns.p99)}`,
        ],
      ],
      notes: ["/api/ping is probed one request at a time during the sign-ins: an outside view of how responsive the server stays while it hashes."],
    });
  }

  if (results.scale.length) {
    tables.push({
      title: `Database-session lookup (findDatabaseSession) vs Session table size, ${settings.scale.lookups.toLocaleString("en-US")} random lookups each`,
      headers: ["database", "rows", "p50 µs", "p99 µs", "rows", "p50 µs", "p99 µs", "p50 ratio", `≤ ${targets.scaleP50Ratio}×`, "p50 Δ µs", "insert s"],
      rows: results.scale.map((s) => [
        s.provider,
        s.small.rows.toLocaleString("en-US"),
        us(s.small.lookups.p50),
        us(s.small.lookups.p99),
        s.large.rows.toLocaleString("en-US"),
        us(s.large.lookups.p50),
        us(s.large.lookups.p99),
        `${n(s.p50Ratio, 2)}×`,
        verdict(s.p50Ratio <= targets.scaleP50Ratio),
        us(s.large.lookups.p50 - s.small.lookups.p50),
        n(s.large.insertSeconds),
      ]),
      notes: ["Times in microseconds, in-process (no HTTP); the two tables are looked up alternately, so machine noise hits both alike."],
    });
  }

  if (results.purge.length) {
    tables.push({
      title: `Purging expired sessions (lib/session-admin.ts, separate process) during sign-ins (bcrypt cost ${settings.purge.bcryptCost}, ${settings.purge.signInConcurrency} concurrent)`,
      headers: [
        "database",
        "expired rows",
        "journal",
        "purge s",
        "batches",
        "batch p50/max ms",
        "sign-ins before: n, p50/p99/max ms",
        "during: n, p50/p99/max ms",
        "failed sign-ins",
        "added p99 ms",
        "stall ms",
        `stall ≤ ${targets.purgeStallMs} ms`,
      ],
      rows: results.purge.map((p) => [
        p.provider,
        p.rows.toLocaleString("en-US"),
        p.journalMode ?? "–",
        n(p.purgeSeconds),
        String(p.batches),
        `${n(p.batchMs.p50)} / ${n(p.batchMs.max)}`,
        `${p.before.count}: ${n(p.before.p50)} / ${n(p.before.p99)} / ${n(p.before.max)}`,
        `${p.during.count}: ${n(p.during.p50)} / ${n(p.during.p99)} / ${n(p.during.max)}`,
        String(Object.values(p.failedSignIns).reduce((a, b) => a + b, 0)),
        n(p.addedP99Ms),
        n(p.stallMs),
        verdict(p.stallMs <= targets.purgeStallMs),
      ]),
      notes: [
        "stall = slowest sign-in during the purge minus the median sign-in before it; added p99 = p99 during minus p99 before.",
        "journal = SQLite's journal mode of the database file after the server has served a signed-in request (the app may set it on first use).",
        ...results.purge.flatMap((p) =>
          Object.entries(p.failedSignIns).map(([answer, count]) => `Failed sign-ins (${p.provider}): ${count}× ${answer}`),
        ),
        ...results.purge.flatMap((p) => p.serverErrors.map((line) => `Server log (${p.provider}): \`${line.replace(/`/g, "'")}\``)),
      ],
    });
  }
  return tables;
}

export function printResults(results: BenchResults): string {
  return resultTables(results).map(tableText).join("\n\n");
}

export function benchmarksMarkdown(results: BenchResults): string {
  const { machine, settings } = results;
  const sections = resultTables(results).map((t) => [`### ${t.title}`, "", tableMarkdown(t), ...(t.notes?.length ? ["", ...t.notes.map((note) => `- ${note}`)] : [])].join("\n"));
  const problems = results.problems.length ? ["## Problems in this run", "", ...results.problems.map((p) => `- ${p}`), ""] : [];
  return `# Benchmarks

Generated by \`npm run bench${settings.mode === "quick" ? " -- --quick" : ""}\` (scripts/bench.ts) on ${results.generatedAt}; raw numbers in [bench/results.json](../bench/results.json).
Do not edit by hand: run the benchmark again (\`npm run bench -- --report-only\` re-renders this page and the chart from the JSON).

![Authenticated requests per second as a share of the no-auth baseline](benchmarks.svg)

## Machine

- CPU: ${machine.cpuCount} × ${machine.cpuModel}
- Memory: ${machine.memoryGiB} GiB; ${machine.os}; Node.js ${machine.node}
- Load average (1/5/15 min) at start: ${machine.loadAverage.join(" / ")}; at end: ${machine.loadAverageAtEnd.join(" / ")}
- Source measured: ${results.source ?? "not recorded"}
- Whole run (${settings.mode} mode): ${Math.round(results.durationSeconds)} s (${Object.entries(results.phaseSeconds)
    .map(([phase, s]) => `${phase} ${Math.round(s)} s`)
    .join(", ")})

The load generator (autocannon) runs on the same machine as the server, as in the issue's reference numbers;
on a shared machine the absolute numbers move between runs, which is why every route is reported as a ratio to
the baseline measured on the same server a few seconds earlier.

## Method

- **Build and servers.** \`next build\` into \`${BENCH_DIST_DIR}\`, then one \`next start\` (NODE_ENV=production) per database ×
  session strategy, each on a fresh migrated database (\`prisma migrate deploy\`; SQLite file under .tmp/, PostgreSQL database
  on 127.0.0.1:5432, dropped afterwards) seeded with the demo users. App settings: AUTH_BCRYPT_COST=${settings.bcryptCost},
  AUTH_HASH_WORKERS=${settings.hashWorkers}, AUTH_JWT_RECHECK_SECONDS=${settings.jwtRecheckSeconds}, DATABASE_POOL_MAX=${settings.databasePoolMax}, other session settings at their defaults.
- **Requests per second.** The benchmark signs in as user@example.com over HTTP (CSRF token + credentials form, like a
  browser) and sends that Cookie header with every request, to every route. Routes: \`GET /api/ping\` (no auth, no
  database: the baseline), \`GET /api/me\` (route handler authorized by the DAL, returns the session's claims as JSON),
  \`GET /dashboard\` (Server Component page protected by the DAL, through the proxy). Every route is first warmed up
  for ${settings.warmupSeconds} s, then loaded with autocannon (${settings.connections} connections) for ${settings.routeSeconds} s in total, in ${settings.routeRounds} turns that alternate
  between the three routes, so that load from elsewhere on the machine hits all of them alike. req/s = completed
  requests ÷ seconds; latency p50/p99 over every response. Any response other than 200 fails the run. Ratio = route req/s ÷ /api/ping req/s on the same server.
- **Memory.** VmRSS of the server process (\`/proc/<pid>/status\`, read after a 1 s pause) after the throughput runs, after ${settings.memoryRequests.toLocaleString("en-US")} more
  \`GET /api/me\`, and after another ${settings.memoryRequests.toLocaleString("en-US")}; growth is the change over the second batch.
- **Sign-in.** (a) In the benchmark process, \`monitorEventLoopDelay\` (1 ms resolution) while ${settings.signIn.concurrentHashes} sign-in-equivalent
  \`verifyPassword\` calls (lib/password.ts, bcrypt in worker threads) run at once at the configured cost, ${settings.signIn.rounds} rounds after a
  warm-up round; the reported delay includes the 1 ms sampling interval. The server runs the same pool code but has no
  event-loop metric to read from outside, so this is measured in-process. (b) Sign-ins per second: autocannon POSTs the
  credentials form to \`/api/auth/callback/credentials\` with one CSRF cookie + token, ${settings.signIn.signIns} sign-ins over ${settings.signIn.loadConnections} connections
  (sqlite/database server, correct password so no throttling counter grows; every answer is checked to be a
  successful redirect), while \`GET /api/ping\` is probed one request at a time.
- **Scale.** In-process, the app's own database-session lookup (\`findDatabaseSession\` in lib/auth/session-strategy.ts:
  SHA-256 of the cookie → unique-index lookup with the user's claims) for ${settings.scale.lookups.toLocaleString("en-US")} random existing sessions (after
  200 warm-up lookups), with ${settings.scale.small.toLocaleString("en-US")} and then ${settings.scale.large.toLocaleString("en-US")} Session rows. Rows are inserted directly (SQLite:
  one prepared-statement transaction; PostgreSQL: \`INSERT … SELECT generate_series\` computing the tokens in SQL, then \`ANALYZE\`)
  with 43-character base64url cookie tokens and their SHA-256 hashes, exactly as the app stores them.
- **Purge.** ${settings.purge.rows.toLocaleString("en-US")} expired Session rows, a server on the same database (database strategy, bcrypt cost ${settings.purge.bcryptCost} so
  hashing does not dominate) receiving ${settings.purge.signInConcurrency} concurrent sign-in loops (each sign-in writes a Session row), and
  \`purgeExpiredSessions\` (batches of ${settings.purge.batchSize.toLocaleString("en-US")}) started in a separate process, as a cron job would be. Sign-in latencies
  from ${settings.purge.beforeSeconds} s before the purge are compared with those overlapping it.

## Results

${sections.join("\n\n")}

${problems.join("\n")}`;
}
