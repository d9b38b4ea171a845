// npm run db:migrate — applies the committed migrations of the configured database (prisma migrate deploy).
import { loadEnvFile } from "./lib/env-file";
import { runPrisma, runScript } from "./lib/prisma-cli";
import { getEnv } from "../lib/env";

runScript(async () => {
  await loadEnvFile();
  const env = getEnv();
  console.log(`Applying migrations to the ${env.databaseProvider} database…`);
  runPrisma(["migrate", "deploy"]);
});
