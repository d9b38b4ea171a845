import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { prismaPathsFor, type DatabaseProvider } from "../../lib/database-url";
import { createDb } from "../../lib/db";
import { parseEnv } from "../../lib/env";
import { migrationFolders } from "../../lib/migration-status";
import { createEmptyDatabase, projectRoot, type TestDatabase } from "../../harness/databases";
import { HttpClient } from "../../harness/http-client";
import { harnessMailbox } from "../../harness/mail-catcher";
import { freePort, serverEnv, spawnUntilHealthy } from "../../harness/server";

// What the Docker image runs, run here without Docker (base images cannot be pulled on every machine): the runner
// (tests/support/run-tests.ts, step "standalone") builds with NEXT_OUTPUT=standalone into its own folder and runs
// docker/assemble-standalone.mjs, as the Dockerfile's build stage does; this file starts that folder with the
// Dockerfile's own CMD and HEALTHCHECK, read from the Dockerfile, against empty databases.
const builtDir = process.env.STANDALONE_APP_DIR;
const providers = (process.env.STANDALONE_PROVIDERS ?? "sqlite,postgresql").split(",") as DatabaseProvider[];
const strategies = ["database", "jwt"] as const;

const dockerfile = readFileSync(join(projectRoot, "Dockerfile"), "utf8").replace(/\\\n/g, " ");

/** The JSON (exec) form of a Dockerfile instruction in the final stage, e.g. CMD ["node", "docker/start.mjs"]. */
function execForm(instruction: "CMD" | "HEALTHCHECK"): string[] {
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  const line = finalStage.split("\n").find((l) => l.startsWith(`${instruction} `));
  const json = line?.match(/(?:CMD\s+)(\[.*\])\s*$/)?.[1];
  if (!json) throw new Error(`No ${instruction} in exec form in the Dockerfile's final stage`);
  const command = JSON.parse(json) as string[];
  expect(command[0], `${instruction} runs node`).toBe("node");
  return [process.execPath, ...command.slice(1)];
}

type App = { url: string; output: () => string; stop: () => Promise<void> };

/** Starts the assembled app with the image's CMD, as its working directory is the image's WORKDIR. */
async function startApp(env: NodeJS.ProcessEnv): Promise<App> {
  const [command, ...args] = execForm("CMD");
  const url = `http://127.0.0.1:${env.PORT}`;
  return spawnUntilHealthy(command, args, { cwd: appDir, env, url, name: "The app", timeoutMs: 60_000 });
}

/** Runs the image's HEALTHCHECK command the way Docker does, with the container's environment; its exit code. */
function healthcheck(port: number): number | null {
  const [command, ...args] = execForm("HEALTHCHECK");
  const env = { PATH: process.env.PATH, NODE_ENV: "production" as const, PORT: String(port) };
  return spawnSync(command, args, { env, timeout: 10_000 }).status;
}

async function tableNames(url: string, provider: DatabaseProvider): Promise<string[]> {
  const db = createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: url }));
  try {
    const rows = await db.$queryRawUnsafe<{ name: string }[]>(
      provider === "sqlite"
        ? "SELECT name FROM sqlite_master WHERE type = 'table'"
        : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    return rows.map((row) => row.name);
  } finally {
    await db.$disconnect();
  }
}

async function appliedMigrations(url: string): Promise<string[]> {
  const db = createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: url }));
  try {
    const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name",
    );
    return rows.map((row) => row.migration_name);
  } finally {
    await db.$disconnect();
  }
}

/** An empty database: a PostgreSQL database without tables, or a zero-byte SQLite file. */
async function emptyDatabase(provider: DatabaseProvider): Promise<TestDatabase> {
  const database = await createEmptyDatabase(provider);
  if (provider === "sqlite") writeFileSync(database.url.replace(/^file:/, ""), "");
  return database;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The image's /app: the folder moved out of the project (the Dockerfile's COPY --from=build … ./), so nothing the app
// needs can be found in the project's own node_modules above it. The runner deletes the build after this file.
let appDir: string;
beforeAll(() => {
  if (!builtDir) return;
  appDir = join(mkdtempSync(join(tmpdir(), "standalone-")), "app");
  try {
    renameSync(builtDir, appDir);
  } catch {
    cpSync(builtDir, appDir, { recursive: true, verbatimSymlinks: true }); // another file system
  }
});
afterAll(() => {
  if (appDir) rmSync(dirname(appDir), { recursive: true, force: true });
});

describe.skipIf(!builtDir)("the Docker image's app (standalone output, started with the Dockerfile's CMD)", () => {
  it("the Dockerfile builds the standalone output and assembles it with the script this test's folder came from", () => {
    expect(dockerfile).toMatch(/NEXT_OUTPUT=standalone npm run build/);
    expect(dockerfile).toMatch(/node docker\/assemble-standalone\.mjs \.next/);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/\.next\/standalone \.\//);
    expect(dockerfile).toMatch(/^USER node$/m);
    // The copy resolves packages from its own node_modules only: a development dependency is not there.
    expect(() => createRequire(join(appDir, "server.js")).resolve("vitest")).toThrow();
    expect(createRequire(join(appDir, "server.js")).resolve("bcryptjs")).toContain(appDir);
    // Next copies .env files into the standalone folder; the image must not carry this machine's secrets.
    expect(existsSync(join(appDir, ".env"))).toBe(false);
  });

  describe.each(providers)("%s", (provider) => {
    const migrations = migrationFolders(join(projectRoot, prismaPathsFor(provider).migrations))!;

    it.each(strategies)(
      "%s sessions: migrates an empty database on start, serves, signs in end to end; starts again with nothing pending",
      async (strategy) => {
        const database = await emptyDatabase(provider);
        cleanups.push(database.drop);
        const port = await freePort();
        const mail = await harnessMailbox();
        const env = serverEnv({
          DATABASE_URL: database.url,
          AUTH_SESSION_STRATEGY: strategy,
          AUTH_URL: `http://127.0.0.1:${port}`,
          SMTP_URL: mail.url,
          PORT: String(port),
          HOSTNAME: "127.0.0.1",
        });

        // First start: every migration applied, then the server.
        let app = await startApp(env);
        cleanups.push(() => app.stop());
        try {
          expect(app.output()).toContain("All migrations have been successfully applied.");
          expect(app.output()).toContain(`${provider} database schema is up to date (${migrations.length} migrations)`);
          expect(await appliedMigrations(database.url)).toEqual(migrations);
          expect(await tableNames(database.url, provider)).toEqual(
            expect.arrayContaining(["User", "Session", "Role", "Permission", "EmailToken"]),
          );
          const health = await fetch(`${app.url}/api/health`);
          expect(health.status).toBe(200);
          expect(await health.json()).toMatchObject({ ok: true, database: "up" });
          expect(healthcheck(port), "the image's HEALTHCHECK command").toBe(0);

          // Migrations create tables; the first start adds the roles a sign-up is given.
          expect(app.output()).toContain("new database: added the default roles and permissions");

          const email = `standalone-${randomBytes(4).toString("hex")}@example.com`;
          const password = `quiet-${randomBytes(6).toString("hex")}-harbour`;
          const registered = await fetch(`${app.url}/api/register`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ name: "Standalone", email, password }),
          });
          expect(registered.status, await registered.clone().text()).toBe(201);
          await expectSignedIn(app.url, email, password, strategy);

          // Second start on the same database: nothing pending, same data.
          await app.stop();
          app = await startApp(env);
          expect(app.output()).toContain("No pending migrations to apply.");
          expect(healthcheck(port)).toBe(0);
          await expectSignedIn(app.url, email, password, strategy);
          // A browser this account has not used before gets a notice by mail: the SMTP client works from the image.
          const notice = await mail.waitFor({ to: email, subject: /New sign-in/ });
          expect(notice.text).toContain(`http://127.0.0.1:${port}`);
        } catch (error) {
          // The server's log says why (a module missing from the folder shows up only there).
          (error as Error).message += `\n--- app output ---\n${app.output().slice(-5000)}`;
          throw error;
        }
      },
    );
  });

  it("does not start the server when the migrations cannot be applied", async () => {
    const port = await freePort();
    const unreachable = `postgresql://postgres@127.0.0.1:${await freePort()}/nothing_listens_here`;
    const env = serverEnv({
      DATABASE_URL: unreachable,
      SMTP_URL: (await harnessMailbox()).url,
      AUTH_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
    });
    const error = await startApp(env).then(
      async (app) => (await app.stop(), null),
      (e: Error) => e,
    );
    expect(error?.message).toContain("prisma migrate deploy failed");
    expect(error?.message).toContain("the server was not started");
  });
});

async function expectSignedIn(url: string, email: string, password: string, strategy: string): Promise<void> {
  const client = new HttpClient(url);
  const signIn = await client.signIn(email, password);
  expect(signIn.status).toBe(302);
  expect(new URL(signIn.headers.get("location")!, url).pathname).toBe("/dashboard");
  const me = await client.json<{ user: { email: string }; strategy: string }>("/api/me");
  expect(me.status).toBe(200);
  expect(me.body.user.email).toBe(email);
  expect(me.body.strategy).toBe(strategy);
}
