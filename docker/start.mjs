// The Docker image's entry point (CMD): check the environment, apply pending migrations, then run Next's standalone
// server in this process. Run from the assembled standalone folder (docker/assemble-standalone.mjs). The check comes
// first and applies the server's own rules (docker/check-env.ts), so an environment the server would refuse never
// reaches the database. `prisma migrate deploy` applies only committed migrations, never resets data, and on
// PostgreSQL holds an advisory lock, so instances starting together take turns. MIGRATE_ON_START=off skips it, for
// hosts that migrate in a release step of their own.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { environmentProblem } from "./check-env.mjs";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");

const problem = environmentProblem(process.env);
if (problem) {
  console.error(
    `\n${problem}\n\n[start] Nothing was migrated and the server was not started. See .env.example for every variable.\n`,
  );
  process.exit(1);
}

if (process.env.MIGRATE_ON_START !== "off") {
  const prisma = join(appDir, "node_modules", "prisma", "build", "index.js");
  const result = spawnSync(process.execPath, [prisma, "migrate", "deploy"], {
    cwd: appDir,
    stdio: "inherit",
    // No update check or telemetry call from a server that is starting.
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  if (result.status !== 0) {
    console.error(
      `[start] prisma migrate deploy failed (exit ${result.status ?? result.signal}); the server was not started.`,
    );
    process.exit(result.status || 1);
  }
}

// server.js reads PORT and HOSTNAME and handles SIGTERM/SIGINT itself.
await import(pathToFileURL(join(appDir, "server.js")).href);
