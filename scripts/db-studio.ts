// npm run db:studio [-- --port 5555 --browser none] — Prisma Studio on the app's configured database.
import { loadEnvFile } from "./lib/env-file";
import { parseCliArgs } from "./lib/args";
import { describeDatabase, studioDatabaseUrl } from "./lib/database-target";
import { runPrismaUntilExit, runScript, ScriptError } from "./lib/prisma-cli";
import { getEnv } from "../lib/env";

const USAGE = `Usage: npm run db:studio [-- --port <port>] [--browser <browser>|none]

Opens Prisma Studio on the database in DATABASE_URL (from the environment or .env). --port picks the port
(Studio's default is 5555); --browser names the browser to open it in, "none" opens none.`;

runScript(async () => {
  const { values } = parseCliArgs(
    {
      options: {
        port: { type: "string", short: "p" },
        browser: { type: "string", short: "b" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const studioArgs: string[] = [];
  if (values.port !== undefined) studioArgs.push("--port", String(port(values.port)));
  if (values.browser !== undefined) studioArgs.push("--browser", values.browser);

  await loadEnvFile();
  const env = getEnv();
  console.log(`Opening Prisma Studio on the ${describeDatabase(env.DATABASE_URL)}…`);
  // prisma.config.ts reads DATABASE_URL, so the rewritten URL (absolute for SQLite, see studioDatabaseUrl) wins there.
  const studioEnv = { ...process.env, DATABASE_URL: studioDatabaseUrl(env.DATABASE_URL) };
  process.exitCode = await runPrismaUntilExit(["studio", ...studioArgs], studioEnv);
});

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65_535)
    throw new ScriptError(`--port must be a port number (1–65535), got "${value}"; nothing was started.\n\n${USAGE}`);
  return n;
}
