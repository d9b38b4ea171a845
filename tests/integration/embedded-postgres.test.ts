import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { projectRoot, testProvider } from "../../harness/databases";
import { findOrStartPostgres, postgresProblem } from "../../harness/postgres";

// The PostgreSQL that `npm test` starts where none answers: a real server, gone with its data when the run ends,
// also when the run dies without stopping it. Once per `npm test` (with the PostgreSQL integration step).

async function eventually(check: () => Promise<boolean> | boolean, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check();
}

describe.runIf(testProvider() === "postgresql")("embedded PostgreSQL for the tests", () => {
  it("is a real server on a free loopback port; stopping it removes its data directory", async () => {
    const server = await findOrStartPostgres({ env: { TEST_POSTGRES: "embedded" } });
    const dataDir = server.summary.match(/data in (\S+)/)?.[1];
    try {
      expect(server.summary).toMatch(
        /^embedded PostgreSQL 17\.\d+ on 127\.0\.0\.1:\d+, data in \S+ until the end \(TEST_POSTGRES=embedded\)$/,
      );
      expect(new URL(server.url).port).not.toBe("5432");
      expect(existsSync(dataDir!)).toBe(true);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query("CREATE DATABASE starter_embedded_check");
      const { rows } = await client.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname = 'starter_embedded_check'",
      );
      await client.end();
      expect(rows).toHaveLength(1);
    } finally {
      await server.stop();
    }
    expect(existsSync(dataDir!)).toBe(false);
    expect(await postgresProblem(server.url)).toMatch(/ECONNREFUSED/);
  });

  it("stops and is removed when the process that started it is killed outright", async () => {
    const starter = `require("./harness/embedded-postgres.ts").startEmbeddedPostgres({ skipFlushes: true })
      .then((pg) => { console.log(JSON.stringify({ url: pg.url, dataDir: pg.dataDir })); setInterval(() => {}, 1000); });`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", starter], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const started = await new Promise<{ url: string; dataDir: string }>((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (chunk) => {
        output += chunk;
        if (output.includes("\n")) resolve(JSON.parse(output));
      });
      child.once("exit", (code) => reject(new Error(`starter exited with ${code}: ${output}`)));
    });
    expect(await postgresProblem(started.url)).toBeNull();
    child.kill("SIGKILL");
    expect(await eventually(() => !existsSync(started.dataDir), 30)).toBe(true);
    expect(await postgresProblem(started.url)).toMatch(/ECONNREFUSED/);
  });
});
