// npm run db:migrate — applies the committed migrations of the configured database (prisma migrate deploy), when
// any is missing. Also run by `npm start` before `next start`.
import { loadEnvFile } from "./lib/env-file";
import { parseCliArgs } from "./lib/args";
import { applyPendingMigrations } from "./lib/migrate";
import { runScript } from "./lib/prisma-cli";
import { getEnv } from "../lib/env";

const USAGE = `Usage: npm run db:migrate

Applies the committed migrations that the database in DATABASE_URL lacks (prisma migrate deploy); does
nothing when it has them all. To change the schema, see \`npm run db:change\`.`;

runScript(async () => {
  const { values } = parseCliArgs({ options: { help: { type: "boolean", short: "h" } } }, USAGE);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  await loadEnvFile();
  await applyPendingMigrations(getEnv());
});
