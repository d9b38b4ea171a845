// npm run db:reset [-- --yes] [--force-production] — deletes ALL data, re-applies the migrations and seeds
// roles, permissions and the demo users.
import { loadEnvFile } from "./lib/env-file";
import { parseCliArgs } from "./lib/args";
import { describeDatabase } from "./lib/database-target";
import { confirm, isInteractive } from "./lib/prompt";
import { runPrisma, runScript, ScriptError } from "./lib/prisma-cli";
import { checkedSeedOptions } from "./lib/seed-options";
import { assertDatabaseFileFree } from "./lib/migrate";
import { getEnv } from "../lib/env";
import { getDb } from "../lib/db";
import { seed } from "../lib/seed";

const USAGE = `Usage: npm run db:reset [-- --yes] [--force-production]

Deletes all data in the configured database, re-applies the migrations and seeds roles, permissions
and the demo users. Asks for confirmation in a terminal; elsewhere --yes is required. Refused when
NODE_ENV=production unless --force-production is given.`;

runScript(async () => {
  const { values } = parseCliArgs(
    {
      options: {
        yes: { type: "boolean", short: "y" },
        "force-production": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  await loadEnvFile();
  const env = getEnv();
  const target = describeDatabase(env.DATABASE_URL);
  if (env.NODE_ENV === "production" && !values["force-production"]) {
    throw new ScriptError(
      `NODE_ENV is "production": refusing to delete all data in the ${target}. Pass --force-production if you really mean it.`,
    );
  }
  // Checked before the reset: a seed refused afterwards would leave an empty database behind.
  const seedOptions = await checkedSeedOptions(env);

  if (!values.yes) {
    if (!isInteractive())
      throw new ScriptError(
        `This deletes all data in the ${target}. Pass --yes to confirm (there is no terminal to ask).`,
      );
    if (!(await confirm(`Delete ALL data in the ${target} and re-apply the migrations? [y/N] `))) {
      console.log("Cancelled; nothing was changed.");
      return;
    }
  }

  assertDatabaseFileFree(env);
  console.log(`Resetting the ${target}…`);
  runPrisma(["migrate", "reset", "--force"]);
  const db = getDb();
  try {
    const { created } = await seed(db, seedOptions);
    console.log(`Database reset. Seeded roles, permissions and users: ${created.join(", ")}.`);
  } finally {
    await db.$disconnect();
  }
});
