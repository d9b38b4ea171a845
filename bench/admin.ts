import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseProvider } from "../lib/database-url";
import { ADMIN_PAGE_SIZE } from "../lib/admin-users-query";
import { DEMO_USERS } from "../lib/seed";
import { HttpClient } from "../harness/http-client";
import type { RunningServer } from "../harness/server";
import type { BenchDatabases } from "./databases";
import { log } from "./log";
import { startBenchServer, whileServing } from "./routes";
import type { BenchSettings } from "./settings";
import { round, summarize, type LatencySummary } from "./stats";
import { tableText } from "./table";

// Does /admin stay fast with a large user table? The table is filled with generated users straight in the
// database (one multi-row statement on PostgreSQL, one transaction on SQLite), then a production server on it
// is asked, one request at a time as an admin, for the views an operator uses: the first page, a search, a
// role filter, a sort by name and the last page. The time is the whole response (the page streams its body).

export type AdminView = { name: string; path: string; latency: LatencySummary };
export type AdminRun = { provider: DatabaseProvider; users: number; insertSeconds: number; views: AdminView[] };

const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"];
const LAST_NAMES = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Thompson",
  "Perlman",
  "Smith",
];
/** One generated user in this many is an admin, and one in DISABLED_EVERY is disabled. */
const ADMIN_EVERY = 100;
const DISABLED_EVERY = 20;

/** The phase's own settings (the shared ones in settings.ts give the app's environment): 100,000 users either way. */
export function adminBenchSettings(mode: BenchSettings["mode"]) {
  return {
    users: 100_000,
    pageSize: ADMIN_PAGE_SIZE,
    requests: mode === "quick" ? 30 : 60,
    warmupRequests: mode === "quick" ? 3 : 10,
  };
}

const userId = (i: number) => `benchuser${String(i).padStart(8, "0")}`;
const userEmail = (i: number) => `bench-user-${String(i).padStart(6, "0")}@example.com`;
// First and last names cycle at different lengths, so every combination occurs; the number keeps names distinct.
const userName = (i: number) => `${FIRST_NAMES[i % 10]} ${LAST_NAMES[Math.floor(i / 10) % 10]} ${i}`;

function views(users: number, pageSize: number): { name: string; path: string }[] {
  const total = users + Object.keys(DEMO_USERS).length;
  return [
    { name: "first page", path: "/admin" },
    { name: "search “hopper”", path: "/admin?q=hopper" },
    { name: "role = admin", path: "/admin?role=admin" },
    { name: "sort by name", path: "/admin?sort=name" },
    { name: "sort by name, desc", path: "/admin?sort=name&dir=desc" },
    { name: "last page", path: `/admin?page=${Math.ceil(total / pageSize)}` },
  ];
}

function insertSqlite(url: string, users: number, start: Date): void {
  const db = new Database(url.replace(/^file:/, ""));
  try {
    db.pragma("busy_timeout = 5000");
    db.pragma("synchronous = OFF");
    const insert = db.prepare(
      'INSERT INTO "User" ("id", "email", "name", "roleName", "active", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit offset (bench/session-rows.ts).
    db.transaction(() => {
      for (let i = 0; i < users; i++) {
        const at = new Date(start.getTime() + i * 1000).toISOString().replace("Z", "+00:00");
        const role = i % ADMIN_EVERY === 0 ? "admin" : "user";
        insert.run(userId(i), userEmail(i), userName(i), role, i % DISABLED_EVERY === 0 ? 0 : 1, at, at);
      }
    })();
    db.exec('ANALYZE "User"');
  } finally {
    db.close();
  }
}

// The same rows generated inside PostgreSQL, so nothing crosses the wire but the statement.
const POSTGRES_INSERT = `
  INSERT INTO "User" ("id", "email", "name", "roleName", "active", "createdAt", "updatedAt")
  SELECT 'benchuser' || lpad(i::text, 8, '0'),
         'bench-user-' || lpad(i::text, 6, '0') || '@example.com',
         ($1::text[])[i % 10 + 1] || ' ' || ($2::text[])[(i / 10) % 10 + 1] || ' ' || i,
         CASE WHEN i % ${ADMIN_EVERY} = 0 THEN 'admin' ELSE 'user' END,
         i % ${DISABLED_EVERY} <> 0,
         $3::timestamp + make_interval(secs => i),
         $3::timestamp + make_interval(secs => i)
  FROM generate_series(0, $4::int - 1) AS i`;

async function insertPostgres(url: string, users: number, start: Date): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(POSTGRES_INSERT, [FIRST_NAMES, LAST_NAMES, start.toISOString().replace("Z", ""), users]);
    // As after any bulk load: statistics and the visibility map now, not whenever autovacuum gets to it.
    await client.query('VACUUM (ANALYZE) "User"');
  } finally {
    await client.end();
  }
}

async function signedInAdmin(server: RunningServer): Promise<HttpClient> {
  const client = new HttpClient(server.url);
  const response = await client.signIn(DEMO_USERS.admin.email, DEMO_USERS.admin.password);
  if (!client.sessionCookie)
    throw new Error(`admin: sign-in as ${DEMO_USERS.admin.email} failed: HTTP ${response.status}`);
  return client;
}

async function timedPage(client: HttpClient, path: string): Promise<number> {
  const started = performance.now();
  const response = await client.fetch(path);
  const html = await response.text();
  const elapsed = performance.now() - started;
  // A redirect, an error page or an empty list would be fast for the wrong reason.
  if (response.status !== 200 || !html.includes('data-testid="users-table"'))
    throw new Error(`admin: GET ${path} answered ${response.status} without the users table`);
  return elapsed;
}

export async function benchAdmin(
  databases: BenchDatabases,
  provider: DatabaseProvider,
  settings: BenchSettings,
): Promise<AdminRun> {
  const { users, requests, warmupRequests, pageSize } = adminBenchSettings(settings.mode);
  const database = await databases.create(provider, settings.bcryptCost);
  try {
    const started = performance.now();
    // A year back, one second apart: older than the demo users' rows would be odd, so they come after them.
    const start = new Date(Date.now() - users * 1000 - 86_400_000);
    if (provider === "sqlite") insertSqlite(database.url, users, start);
    else await insertPostgres(database.url, users, start);
    const insertSeconds = (performance.now() - started) / 1000;
    log(`  ${users.toLocaleString("en-US")} users in ${insertSeconds.toFixed(1)} s; starting next start`);
    const server = await startBenchServer(database, { strategy: "database" }, settings);
    return whileServing(server, provider, async () => {
      const client = await signedInAdmin(server);
      const list = views(users, pageSize);
      for (const view of list) for (let i = 0; i < warmupRequests; i++) await timedPage(client, view.path);
      // Views take turns, request by request, so a busy moment on a shared machine slows them all alike.
      const samples = list.map(() => [] as number[]);
      for (let i = 0; i < requests; i++) {
        for (const [v, view] of list.entries()) samples[v].push(await timedPage(client, view.path));
      }
      return {
        provider,
        users,
        insertSeconds,
        views: list.map((view, v) => ({ ...view, latency: summarize(samples[v]) })),
      };
    });
  } finally {
    await database.drop();
  }
}

export function adminRunsText(runs: AdminRun[]): string {
  return tableText({
    title: "/admin with a large user table (one request at a time, whole response, ms)",
    headers: ["database", "users", "view", "p50", "p99", "max"],
    rows: runs.flatMap((run) =>
      run.views.map((view) => [
        run.provider,
        run.users.toLocaleString("en-US"),
        view.name,
        String(round(view.latency.p50)),
        String(round(view.latency.p99)),
        String(round(view.latency.max)),
      ]),
    ),
    notes: runs.map(
      (run) =>
        `${run.provider}: ${run.users.toLocaleString("en-US")} users inserted in ${run.insertSeconds.toFixed(1)} s; ${run.views[0]?.latency.count} requests per view`,
    ),
  });
}
