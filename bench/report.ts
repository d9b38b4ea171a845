import type { BenchResults } from "./results";
import { BENCH_DIST_DIR, setupLabel } from "./settings";
import { tableMarkdown, tableText, type Table } from "./table";

// The printed summary and docs/benchmarks.md, both built from the same tables.

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const microseconds = (ms: number) => fixed(Math.round(ms * 1000), 0);
const percent = (ratio: number) => (Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : "–");
const verdict = (ok: boolean) => (ok ? "yes" : "NO");

/** One line per goal of the issue: the worst measured value against its target. */
export function targetTable(results: BenchResults): Table {
  const { targets } = results;
  const rows: string[][] = [];
  const authenticated = results.servers.flatMap((run) =>
    run.routes
      .filter((r) => r.kind === "authenticated")
      .map((r) => ({
        ...r,
        share: r.baselineRatio ?? r.ratio,
        where: `${run.provider}/${setupLabel(run)} ${r.route}`,
      })),
  );
  for (const [label, group] of [
    ["route handler (/api/me) vs /api/ping", authenticated.filter((r) => r.route === "/api/me")],
    ["same page signed in vs signed out (/)", authenticated.filter((r) => r.route === "/ (signed in)")],
    ["protected page (/dashboard) vs signed-out page", authenticated.filter((r) => r.route === "/dashboard")],
  ] as const) {
    if (!group.length) continue;
    const worst = group.reduce((a, b) => (b.share < a.share ? b : a));
    const met = group.filter((r) => r.share >= targets.ratio).length;
    rows.push([
      `${label}: req/s ≥ ${percent(targets.ratio)}`,
      `lowest ${percent(worst.share)} (${worst.where}); ${met} of ${group.length} meet it`,
      verdict(met === group.length),
    ]);
  }
  const pages = results.servers.flatMap((run) =>
    run.routes.filter((r) => r.route === "/dashboard" || r.route === "/ (signed out)"),
  );
  if (pages.length) {
    const best = pages.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    rows.push([
      `any page vs /api/ping (JSON)`,
      `highest ${percent(best.ratio)}, even with no session work (/ signed out): rendering, not auth`,
      "NO (explained)",
    ]);
  }
  const { eventLoop, throughput } = results.signIn;
  if (eventLoop)
    rows.push([
      `event-loop p99 ≤ ${targets.eventLoopP99Ms} ms during 4 sign-ins`,
      `worst round ${fixed(eventLoop.worstP99Ms)} ms (max ${fixed(eventLoop.worstMaxMs)} ms)`,
      verdict(eventLoop.worstP99Ms <= targets.eventLoopP99Ms),
    ]);
  if (throughput)
    rows.push([`sign-ins per second at cost ${throughput.cost}`, `${fixed(throughput.load.rps)} /s`, "reported"]);
  if (results.scale.length) {
    const worst = results.scale.reduce((a, b) => (b.p50Ratio > a.p50Ratio ? b : a));
    rows.push([
      `session lookup p50 ≤ ${targets.scaleP50Ratio}× from ${worst.small.rows.toLocaleString("en-US")} to ${worst.large.rows.toLocaleString("en-US")} rows (in-process)`,
      `worst ${fixed(worst.p50Ratio, 2)}× (${worst.provider}: p50 ${microseconds(worst.small.lookups.p50)} → ${microseconds(worst.large.lookups.p50)} µs)`,
      verdict(worst.p50Ratio <= targets.scaleP50Ratio),
    ]);
    const withHttp = results.scale.filter((s) => s.httpP50Ratio !== undefined);
    if (withHttp.length) {
      const worstHttp = withHttp.reduce((a, b) => (b.httpP50Ratio! > a.httpP50Ratio! ? b : a));
      rows.push([
        `GET /api/me p50 ≤ ${targets.scaleP50Ratio}× from ${worstHttp.small.rows.toLocaleString("en-US")} to ${worstHttp.large.rows.toLocaleString("en-US")} rows (HTTP)`,
        `worst ${fixed(worstHttp.httpP50Ratio!, 2)}× (${worstHttp.provider}: p50 ${fixed(worstHttp.small.http!.latencyP50, 2)} → ${fixed(worstHttp.large.http!.latencyP50, 2)} ms)`,
        verdict(worstHttp.httpP50Ratio! <= targets.scaleP50Ratio),
      ]);
    }
  }
  if (results.purge.length) {
    const worst = results.purge.reduce((a, b) => (b.stallMs > a.stallMs ? b : a));
    rows.push([
      `purge stalls sign-ins ≤ ${targets.purgeStallMs} ms`,
      `worst ${fixed(worst.stallMs, 0)} ms (${worst.provider}, ${worst.rows.toLocaleString("en-US")} rows)`,
      verdict(worst.stallMs <= targets.purgeStallMs),
    ]);
  }
  if (results.servers.length) {
    const worst = results.servers.reduce((a, b) => (b.memory.growthMiB > a.memory.growthMiB ? b : a));
    rows.push([
      `RSS growth over the last of ${results.settings.memoryBatches} × ${results.settings.memoryRequests.toLocaleString("en-US")} requests`,
      `largest ${fixed(worst.memory.growthMiB)} MiB (${worst.provider}/${setupLabel(worst)})`,
      "reported",
    ]);
  }
  return { title: "Targets (issue 6)", headers: ["goal", "measured", "met"], rows };
}

function readsPerRequest(run: BenchResults["servers"][number], recheckSeconds: number): string {
  if (run.sessionCache) return "none while the change feed is live (one after each change)";
  return run.strategy === "database" ? "1 indexed lookup" : `≤ 1 per session per ${recheckSeconds} s per instance`;
}

function changesTakeEffect(run: BenchResults["servers"][number], recheckSeconds: number): string {
  if (run.strategy === "database" && !run.sessionCache) return "next request";
  if (run.provider === "postgresql") {
    const fallback = run.strategy === "jwt" ? `within ${recheckSeconds} s` : "next request (no cache)";
    return `next request, after the change feed's delivery; ${fallback} while the feed is down`;
  }
  return `this process: next request; other processes: within ${recheckSeconds} s (AUTH_JWT_RECHECK_SECONDS)`;
}

/** The README's trade-off table, from this run: what each strategy costs per request and what it buys. */
export function tradeOffTable(results: BenchResults): Table {
  const { settings } = results;
  const route = (run: BenchResults["servers"][number], name: string) => run.routes.find((r) => r.route === name);
  return {
    title: "Trade-offs, measured (per signed-in request)",
    headers: [
      "database",
      "strategy",
      "session cookie bytes",
      "/api/me vs /api/ping",
      "extra server CPU µs/req",
      "PostgreSQL CPU µs/req",
      "database reads per request",
      "revocation / role change takes effect",
    ],
    rows: results.servers.map((run) => {
      const me = route(run, "/api/me");
      const ping = route(run, "/api/ping");
      const extra =
        me?.serverCpuUs !== undefined && ping?.serverCpuUs !== undefined
          ? fixed(me.serverCpuUs - ping.serverCpuUs, 0)
          : "–";
      return [
        run.provider,
        setupLabel(run),
        String(run.sessionCookieBytes ?? "–"),
        me ? percent(me.ratio) : "–",
        extra,
        run.provider === "postgresql" && me?.databaseCpuUs !== undefined
          ? fixed(me.databaseCpuUs, 0)
          : "– (in-process)",
        readsPerRequest(run, settings.jwtRecheckSeconds),
        changesTakeEffect(run, settings.jwtRecheckSeconds),
      ];
    }),
    notes: [
      "extra server CPU = the server process's CPU per /api/me request minus per /api/ping request on the same server (both carry the same cookie); a few tens of µs is within the run's noise.",
      "PostgreSQL CPU = all PostgreSQL server processes' CPU per /api/me request; on this machine PostgreSQL shares the 2 cores with the app and the load generator.",
    ],
  };
}

export function resultTables(results: BenchResults): Table[] {
  const { targets, settings } = results;
  const tables: Table[] = [targetTable(results)];
  if (results.servers.length) tables.push(tradeOffTable(results));

  if (results.servers.length) {
    tables.push({
      title: `Requests per second (${settings.connections} connections, ${settings.routeSeconds} s per route in ${settings.routeRounds} alternating turns)`,
      headers: [
        "database",
        "strategy",
        "route",
        "req/s",
        "p50 ms",
        "p99 ms",
        "server CPU µs/req",
        "PostgreSQL CPU µs/req",
        "vs /api/ping",
        "no-auth baseline",
        "vs baseline",
        `≥ ${percent(targets.ratio)}`,
      ],
      rows: results.servers.flatMap((run) =>
        run.routes.map((r) => [
          run.provider,
          setupLabel(run),
          r.route,
          fixed(r.rps, 0),
          fixed(r.latencyP50),
          fixed(r.latencyP99),
          r.serverCpuUs === undefined ? "–" : fixed(r.serverCpuUs, 0),
          run.provider === "postgresql" && r.databaseCpuUs !== undefined ? fixed(r.databaseCpuUs, 0) : "–",
          percent(r.ratio),
          r.baseline ?? "–",
          r.baselineRatio === undefined ? "–" : percent(r.baselineRatio),
          r.baselineRatio === undefined ? "baseline" : verdict(r.baselineRatio >= targets.ratio),
        ]),
      ),
      notes: [
        'Every route gets the same signed-in Cookie header except "/ (signed out)", the home page for a visitor without a cookie: no lookup, no decryption.',
        '"/ (signed in)" is that same page with the session cookie: the layout verifies the session through the DAL and renders the signed-in variant.',
        "CPU µs/req = CPU time (user + system, /proc) of the server process, and of all PostgreSQL server processes, during a route's turns ÷ its completed requests. Unlike req/s it does not depend on what else shares the 2 cores (the load generator, PostgreSQL).",
        "Pages are compared with the signed-out page because rendering, not authorization, bounds them: the signed-out page does no session work at all and still reaches only the share of /api/ping shown in its row.",
      ],
    });
    const steps = settings.memoryRequests.toLocaleString("en-US");
    const batches = Array.from({ length: settings.memoryBatches }, (_, i) => `after ${i + 1} × ${steps} MiB`);
    tables.push({
      title: `Server memory (VmRSS) over ${settings.memoryBatches} batches of ${steps} GET /api/me`,
      headers: ["database", "strategy", "before MiB", ...batches, "growth (last batch) MiB"],
      rows: results.servers.map((run) => [
        run.provider,
        setupLabel(run),
        ...run.memory.readingsMiB.map((r) => fixed(r)),
        fixed(run.memory.growthMiB),
      ]),
      notes: [
        "RSS includes V8 heap that is allocated but not yet collected: a leak keeps growing batch after batch; a warming heap levels off.",
      ],
    });
  }

  const { eventLoop, throughput } = results.signIn;
  if (eventLoop) {
    tables.push({
      title: `Event-loop delay while ${eventLoop.concurrentHashes} sign-in hashes run (bcrypt cost ${eventLoop.cost}, ${eventLoop.workers} worker threads, measured in-process)`,
      headers: ["measurement", "p99 ms", "max ms", `p99 ≤ ${targets.eventLoopP99Ms} ms`],
      rows: [
        ["idle (noise floor)", fixed(eventLoop.idle.p99Ms), fixed(eventLoop.idle.maxMs), ""],
        ...eventLoop.rounds.map((r, i) => [
          `round ${i + 1} (${fixed(r.durationMs, 0)} ms)`,
          fixed(r.p99Ms),
          fixed(r.maxMs),
          verdict(r.p99Ms <= targets.eventLoopP99Ms),
        ]),
      ],
      notes: [
        `For comparison, one bcrypt compare on the main thread blocks the event loop for ${fixed(eventLoop.mainThreadHashMs, 0)} ms.`,
        "Measured in the benchmark process through lib/password.ts (the same worker pool the server uses): the server exposes no event-loop metric without extra instrumentation.",
      ],
    });
  }
  if (throughput) {
    tables.push({
      title: `Sign-ins per second against the server (sqlite/database, bcrypt cost ${throughput.cost}, ${throughput.connections} connections)`,
      headers: [
        "sign-ins/s",
        "p50 ms",
        "p99 ms",
        "sign-ins",
        "refused",
        "GET /api/ping idle p50/p99 ms",
        "… during sign-ins p50/p99 ms",
      ],
      rows: [
        [
          fixed(throughput.load.rps),
          fixed(throughput.load.latencyP50, 0),
          fixed(throughput.load.latencyP99, 0),
          String(throughput.load.requests),
          String(throughput.failed),
          `${fixed(throughput.pingIdle.p50)} / ${fixed(throughput.pingIdle.p99)}`,
          `${fixed(throughput.pingDuringSignIns.p50)} / ${fixed(throughput.pingDuringSignIns.p99)}`,
        ],
      ],
      notes: [
        "/api/ping is probed one request at a time during the sign-ins: an outside view of how responsive the server stays while it hashes.",
      ],
    });
  }

  if (results.scale.length) {
    tables.push({
      title: `Database-session lookup (verify) vs Session table size, ${settings.scale.lookups.toLocaleString("en-US")} random lookups each`,
      headers: [
        "database",
        "rows",
        "p50 µs",
        "p99 µs",
        "rows",
        "p50 µs",
        "p99 µs",
        "p50 ratio",
        `≤ ${targets.scaleP50Ratio}×`,
        "p50 Δ µs",
        "insert s",
        "GET /api/me p50 ms small → large",
        "HTTP p50 ratio",
        "req/s small → large",
      ],
      rows: results.scale.map((s) => [
        s.provider,
        s.small.rows.toLocaleString("en-US"),
        microseconds(s.small.lookups.p50),
        microseconds(s.small.lookups.p99),
        s.large.rows.toLocaleString("en-US"),
        microseconds(s.large.lookups.p50),
        microseconds(s.large.lookups.p99),
        `${fixed(s.p50Ratio, 2)}×`,
        verdict(s.p50Ratio <= targets.scaleP50Ratio),
        microseconds(s.large.lookups.p50 - s.small.lookups.p50),
        fixed(s.large.insertSeconds),
        s.small.http && s.large.http
          ? `${fixed(s.small.http.latencyP50, 2)} → ${fixed(s.large.http.latencyP50, 2)}`
          : "–",
        s.httpP50Ratio === undefined ? "–" : `${fixed(s.httpP50Ratio, 2)}×`,
        s.small.http && s.large.http ? `${fixed(s.small.http.rps, 0)} → ${fixed(s.large.http.rps, 0)}` : "–",
      ]),
      notes: [
        "Lookup times in microseconds, in-process (no HTTP); the two tables are looked up alternately, so machine noise hits both alike.",
        "GET /api/me: a production server (database strategy) on each of the two databases, signed in, loaded in alternating turns like the routes phase.",
      ],
    });
  }

  const decryption = results.cookieDecryption;
  if (decryption) {
    tables.push({
      title: `JWT cookie decryption in the session check (lib/auth/strategy/jwt-decrypter.ts, in-process), ${decryption.cookies.toLocaleString("en-US")} cookies`,
      headers: ["case", "p50 µs", "p99 µs", "mean µs"],
      rows: [
        [
          "steady: a cookie this instance has seen (memo)",
          microseconds(decryption.steady.p50),
          microseconds(decryption.steady.p99),
          microseconds(decryption.steady.mean),
        ],
        [
          "distinct: every cookie new to this instance (Auth.js decode())",
          microseconds(decryption.distinct.p50),
          microseconds(decryption.distinct.p99),
          microseconds(decryption.distinct.mean),
        ],
        ...(decryption.tampered
          ? [
              [
                "tampered: a valid cookie with one ciphertext character changed (refused)",
                microseconds(decryption.tampered.p50),
                microseconds(decryption.tampered.p99),
                microseconds(decryption.tampered.mean),
              ],
            ]
          : []),
      ],
      notes: [
        "A signed-in browser sends the same cookie until Auth.js re-issues it, so a busy instance mostly sees the steady case; the distinct case is each browser's first request to an instance.",
      ],
    });
  }

  const feed = results.feed;
  if (feed) {
    const ms = (value: number) => fixed(value, 1);
    tables.push({
      title: `Change propagation: ${feed.instances} instances, one PostgreSQL database (lib/auth/strategy/change-feed.ts)`,
      headers: ["sessions", "change", "feed", "changes", "p50 ms", "p99 ms", "max ms"],
      rows: feed.cases.map((c) => [
        c.sessions ?? "jwt",
        c.change,
        c.feed === "on" ? "on (LISTEN/NOTIFY)" : `off (recheck window ${feed.recheckSeconds} s)`,
        String(c.latency.count),
        ms(c.latency.p50),
        ms(c.latency.p99),
        ms(c.latency.max),
      ]),
      notes: [
        "Time from the change (sign-out answered, or the SQL UPDATE committed) until both other instances refuse the copied cookie or show the new role; each polled every 2 ms.",
        "database+cache: database sessions with AUTH_DATABASE_SESSION_CACHE=on; without the cache a database session sees every change on its next request by reading it.",
      ],
    });
  }

  if (results.purge.length) {
    tables.push({
      title: `Purging expired sessions (lib/auth/session-admin.ts, separate process) during sign-ins (bcrypt cost ${settings.purge.bcryptCost}, ${settings.purge.signInConcurrency} concurrent)`,
      headers: [
        "database",
        "expired rows",
        "journal",
        "purge s",
        "batches",
        "batch interval p50/max ms",
        "sign-ins before: n, p50/p99/max ms",
        "during: n, p50/p99/max ms",
        "failed sign-ins",
        "added p99 ms",
        "jitter without purge ms",
        "stall ms",
        `stall ≤ ${targets.purgeStallMs} ms`,
      ],
      rows: results.purge.map((p) => [
        p.provider,
        p.rows.toLocaleString("en-US"),
        p.journalMode ?? "–",
        fixed(p.purgeSeconds),
        String(p.batches),
        `${fixed(p.batchMs.p50)} / ${fixed(p.batchMs.max)}`,
        `${p.before.count}: ${fixed(p.before.p50)} / ${fixed(p.before.p99)} / ${fixed(p.before.max)}`,
        `${p.during.count}: ${fixed(p.during.p50)} / ${fixed(p.during.p99)} / ${fixed(p.during.max)}`,
        String(Object.values(p.failedSignIns).reduce((a, b) => a + b, 0)),
        fixed(p.addedP99Ms),
        fixed(p.before.max - p.before.p50),
        fixed(p.stallMs),
        verdict(p.stallMs <= targets.purgeStallMs),
      ]),
      notes: [
        "stall = slowest sign-in during the purge minus the median sign-in before it; added p99 = p99 during minus p99 before.",
        "jitter without purge = the same statistic before the purge started (slowest minus median): the sign-ins' own spread on this machine, which no purge setting removes.",
        `batch interval = time from one batch's end to the next one's, including the ${settings.purge.pauseMs} ms pause between batches.`,
        "journal = SQLite's journal mode of the database file after the server has served a signed-in request (the app may set it on first use).",
        ...results.purge.flatMap((p) =>
          Object.entries(p.failedSignIns).map(
            ([answer, count]) => `Failed sign-ins (${p.provider}): ${count}× ${answer}`,
          ),
        ),
        ...results.purge.flatMap((p) =>
          p.serverErrors.map((line) => `Server log (${p.provider}): \`${line.replace(/`/g, "'")}\``),
        ),
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
  const sections = resultTables(results).map((t) =>
    [
      `### ${t.title}`,
      "",
      tableMarkdown(t),
      ...(t.notes?.length ? ["", ...t.notes.map((note) => `- ${note}`)] : []),
    ].join("\n"),
  );
  const problems = results.problems.length
    ? ["## Problems in this run", "", ...results.problems.map((p) => `- ${p}`), ""]
    : [];
  return `# Benchmarks

Generated by \`npm run bench${settings.mode === "quick" ? " -- --quick" : ""}\` (bench/main.ts) on ${results.generatedAt}; raw numbers in [bench/results.json](../bench/results.json).
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
  browser) and sends that Cookie header with every request, to every route but one. Routes: \`GET /api/ping\` (no auth, no
  database: the route-handler baseline), \`GET /api/me\` (route handler authorized by the DAL, returns the session's claims as JSON),
  \`GET /dashboard\` (Server Component page protected by the DAL, through the proxy), \`GET /\` signed in (the home page; the
  layout verifies the session through the DAL) and \`GET /\` without a cookie (the same page with no session work: the page baseline).
  Every route is first warmed up for ${settings.warmupSeconds} s, then loaded with autocannon (${settings.connections} connections) for ${settings.routeSeconds} s in total, in ${settings.routeRounds} turns
  that alternate between the routes, so that load from elsewhere on the machine hits all of them alike. req/s = completed
  requests ÷ seconds; latency p50/p99 over every response. Any response other than 200 fails the run. Each authenticated
  route's req/s is divided by its no-auth baseline's on the same server (route handler ↔ /api/ping, page ↔ signed-out page),
  and every route's by /api/ping's.
- **Memory.** VmRSS of the server process (\`/proc/<pid>/status\`, read after a 1 s pause) after the throughput runs and then after
  each of ${settings.memoryBatches} batches of ${settings.memoryRequests.toLocaleString("en-US")} \`GET /api/me\`; growth is the change over the last batch.
- **Sign-in.** (a) In the benchmark process, \`monitorEventLoopDelay\` (1 ms resolution) while ${settings.signIn.concurrentHashes} sign-in-equivalent
  \`verifyPassword\` calls (lib/password.ts, bcrypt in worker threads) run at once at the configured cost, ${settings.signIn.rounds} rounds after a
  warm-up round; the reported delay includes the 1 ms sampling interval. The server runs the same pool code but has no
  event-loop metric to read from outside, so this is measured in-process. (b) Sign-ins per second: autocannon POSTs the
  credentials form to \`/api/auth/callback/credentials\` with one CSRF cookie + token, ${settings.signIn.signIns} sign-ins over ${settings.signIn.loadConnections} connections
  (sqlite/database server, correct password so no throttling counter grows; every answer is checked to be a
  successful redirect), while \`GET /api/ping\` is probed one request at a time.
- **Scale.** In-process, the app's own database-session lookup (\`verify\` in lib/auth/strategy/database.ts:
  SHA-256 of the cookie → unique-index lookup with the user's claims) for ${settings.scale.lookups.toLocaleString("en-US")} random existing sessions (after
  200 warm-up lookups), with ${settings.scale.small.toLocaleString("en-US")} and then ${settings.scale.large.toLocaleString("en-US")} Session rows. Rows are inserted directly (SQLite:
  one prepared-statement transaction; PostgreSQL: \`INSERT … SELECT generate_series\` computing the tokens in SQL, then \`ANALYZE\`)
  with 43-character base64url cookie tokens and their SHA-256 hashes, exactly as the app stores them. Then the same
  through HTTP: a production server (database strategy) on each of the two databases, signed in, \`GET /api/me\` loaded in
  ${settings.routeRounds} alternating turns (${settings.routeSeconds} s each server), comparing p50 latency and req/s.
- **Purge.** ${settings.purge.rows.toLocaleString("en-US")} expired Session rows, a server on the same database (database strategy, bcrypt cost ${settings.purge.bcryptCost} so
  hashing does not dominate) receiving ${settings.purge.signInConcurrency} concurrent sign-in loops (each sign-in writes a Session row), and
  \`purgeExpiredSessions\` with the app's defaults (batches of ${settings.purge.batchSize.toLocaleString("en-US")} rows, ${settings.purge.pauseMs} ms pause between batches) started in a separate process, as a cron job would be. Sign-in latencies
  from ${settings.purge.beforeSeconds} s before the purge are compared with those overlapping it.

## Results

${sections.join("\n\n")}

${problems.join("\n")}`;
}
