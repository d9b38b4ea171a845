// Runs before `npm run dev`: a fresh clone gets a .env, a migrated database and demo users, with no manual step.
import { ensureEnvFile, loadEnvFile } from "./lib/env-file";
import { runPrisma, runScript } from "./lib/prisma-cli";
import { getEnv } from "../lib/env";
import { getDb } from "../lib/db";
import { seed } from "../lib/seed";

runScript(async () => {
  if (ensureEnvFile()) console.log("Created .env from .env.example with a new AUTH_SECRET.");
  await loadEnvFile();
  const env = getEnv();
  runPrisma(["migrate", "deploy"]);
  const db = getDb();
  try {
    if ((await db.user.count()) === 0) {
      const { created } = await seed(db, { cost: env.AUTH_BCRYPT_COST, production: false });
      console.log(`Seeded demo users: ${created.join(", ")} (passwords in the README).`);
    }
  } finally {
    await db.$disconnect();
  }
});
