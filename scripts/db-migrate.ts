// npm run db:migrate — applies the committed migrations of the configured database (prisma migrate deploy), when
// any is missing. Also run by `npm start` before `next start`, with --before-start.
import { loadEnvFile } from "./lib/env-file";
import { parseCliArgs } from "./lib/args";
import { applyPendingMigrations } from "./lib/migrate";
import { runScript } from "./lib/prisma-cli";
import { serverStartEnv } from "./lib/server-env";
import { getEnv } from "../lib/env";

const USAGE = `Usage: npm run db:migrate [-- --before-start]

Applies the committed migrations that the database in DATABASE_URL lacks (prisma migrate deploy); does
nothing when it has them all. To change the schema, see \`npm run db:change\`.

  --before-start   first check the whole environment the production server will need (AUTH_SECRET, AUTH_URL,
                   SMTP_URL…, whatever NODE_ENV says), and refuse without touching the database when it would
                   not start (\`npm start\` runs this before \`next start\`)`;

runScript(async () => {
  const { values } = parseCliArgs(
    { options: { help: { type: "boolean", short: "h" }, "before-start": { type: "boolean" } } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values["before-start"]) {
    await applyPendingMigrations(await serverStartEnv());
    return;
  }
  await loadEnvFile();
  await applyPendingMigrations(getEnv());
});
