// npm run db:studio [-- --port 5555 --browser none] — Prisma Studio on the app's configured database.
import { loadEnvFile } from "./lib/env-file";
import { describeDatabase, studioDatabaseUrl } from "./lib/database-target";
import { runPrismaUntilExit, runScript } from "./lib/prisma-cli";
import { getEnv } from "../lib/env";

runScript(async () => {
  await loadEnvFile();
  const env = getEnv();
  console.log(`Opening Prisma Studio on the ${describeDatabase(env.DATABASE_URL)}…`);
  // prisma.config.ts reads DATABASE_URL, so the rewritten URL (absolute for SQLite, see studioDatabaseUrl) wins there.
  const studioEnv = { ...process.env, DATABASE_URL: studioDatabaseUrl(env.DATABASE_URL) };
  process.exitCode = await runPrismaUntilExit(["studio", ...process.argv.slice(2)], studioEnv);
});
