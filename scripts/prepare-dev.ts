// Runs before `npm run dev`: a fresh clone gets a .env, a migrated database and demo users, with no manual step.
import { ensureEnvFile, loadEnvFile } from "./lib/env-file";
import { applyPendingMigrations } from "./lib/migrate";
import { runScript } from "./lib/prisma-cli";
import { checkedSeedOptions, usesDemoPasswords } from "./lib/seed-options";
import { getEnv } from "../lib/env";
import { getDb } from "../lib/db";
import { seed } from "../lib/seed";

runScript(async () => {
  if (ensureEnvFile()) console.log("Created .env from .env.example with a new AUTH_SECRET.");
  await loadEnvFile();
  const env = getEnv();
  await applyPendingMigrations(env);
  const db = getDb();
  try {
    if ((await db.user.count()) === 0) {
      const options = await checkedSeedOptions(env);
      const { created } = await seed(db, options);
      console.log(
        `Seeded users: ${created.join(", ")}${usesDemoPasswords(options) ? " (passwords in the README)" : ""}.`,
      );
    }
  } finally {
    await db.$disconnect();
  }
});
