import { fork } from "node:child_process";
import { join } from "node:path";
import type { EmbeddedPostgresMessage } from "./embedded-postgres-process";
import { projectRoot } from "./databases";

export type EmbeddedPostgres = { url: string; version: string; dataDir: string; stop: () => Promise<void> };

/**
 * Starts a real PostgreSQL from the embedded-postgres package on a free loopback port with a throwaway data
 * directory. `stop()` shuts it down and removes the directory; so does this process exiting in any way.
 * `skipFlushes` turns off fsync and friends: faster, and fine for data nobody needs after a crash.
 */
export async function startEmbeddedPostgres({ skipFlushes }: { skipFlushes: boolean }): Promise<EmbeddedPostgres> {
  // Its own process group, so a Ctrl-C reaches only the test runner, which stops the tests before the database.
  const child = fork(join(import.meta.dirname, "embedded-postgres-process.ts"), skipFlushes ? ["--skip-flushes"] : [], {
    cwd: projectRoot,
    execArgv: ["--import", "tsx"],
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const message = await new Promise<EmbeddedPostgresMessage>((resolve) => {
    child.once("message", (m) => resolve(m as EmbeddedPostgresMessage));
    child.once("error", (error) =>
      resolve({ error: `could not start the embedded PostgreSQL process: ${error.message}` }),
    );
    void exited.then(() =>
      resolve({ error: `the embedded PostgreSQL process exited with code ${child.exitCode} before it was ready` }),
    );
  });
  if ("error" in message) {
    child.kill();
    throw new Error(message.error);
  }
  return {
    ...message,
    stop: async () => {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
