import pg from "pg";
import { startEmbeddedPostgres } from "./embedded-postgres";

// Which PostgreSQL server the tests create their throwaway databases on: TEST_POSTGRES_URL when set, else the
// one on 127.0.0.1:5432 when it answers, else a real PostgreSQL started for this run from the embedded-postgres
// package. TEST_POSTGRES=embedded skips the probe and always starts one (CI proves the path of a machine without one).

export const MACHINE_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export type TestPostgres = {
  /** Admin URL: its `postgres` database is where test databases are created and dropped. */
  url: string;
  /** One line for the log: which server and why. */
  summary: string;
  stop: () => Promise<void>;
};

/** Null when the admin URL connects and answers a query, else why not. */
export async function postgresProblem(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  // A refused or reset connection arrives here as well as on connect(): handled there.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return code && !message?.includes(code) ? `${code} ${message}` : (message ?? String(error));
  } finally {
    await client.end().catch(() => {});
  }
}

function where(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 5432}`;
}

/** `forBenchmark` keeps an embedded server's disk flushes on, as on a real server (tests turn them off for speed). */
export async function findOrStartPostgres({
  forBenchmark = false,
  env = process.env as Record<string, string | undefined>,
} = {}): Promise<TestPostgres> {
  const noStop = async () => {};
  if (env.TEST_POSTGRES_URL)
    return { url: env.TEST_POSTGRES_URL, summary: `TEST_POSTGRES_URL (${where(env.TEST_POSTGRES_URL)})`, stop: noStop };
  if (env.TEST_POSTGRES && env.TEST_POSTGRES !== "embedded")
    throw new Error(`TEST_POSTGRES must be "embedded" or unset, got ${env.TEST_POSTGRES}`);
  let reason = "TEST_POSTGRES=embedded";
  if (env.TEST_POSTGRES !== "embedded") {
    const problem = await postgresProblem(MACHINE_POSTGRES_URL);
    if (!problem)
      return { url: MACHINE_POSTGRES_URL, summary: `the server on ${where(MACHINE_POSTGRES_URL)}`, stop: noStop };
    reason = `none usable on ${where(MACHINE_POSTGRES_URL)}: ${problem}`;
  }
  const embedded = await startEmbeddedPostgres({ skipFlushes: !forBenchmark });
  return {
    url: embedded.url,
    summary: `embedded PostgreSQL ${embedded.version} on ${where(embedded.url)}, data in ${embedded.dataDir} until the end (${reason})`,
    stop: embedded.stop,
  };
}
