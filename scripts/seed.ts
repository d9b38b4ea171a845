// npm run db:seed — roles, permissions and demo users (admin@example.com, user@example.com).
import { loadEnvFile } from "./lib/env-file";
import { runScript, ScriptError } from "./lib/prisma-cli";
import { getEnv } from "../lib/env";
import { getDb } from "../lib/db";
import { seed } from "../lib/seed";

runScript(async () => {
  await loadEnvFile();
  const env = getEnv();
  const db = getDb();
  try {
    const { created } = await seed(db, {
      cost: env.AUTH_BCRYPT_COST,
      production: env.NODE_ENV === "production",
      admin: { email: process.env.SEED_ADMIN_EMAIL, password: process.env.SEED_ADMIN_PASSWORD },
      user: { email: process.env.SEED_USER_EMAIL, password: process.env.SEED_USER_PASSWORD },
    });
    console.log(
      created.length
        ? `Seeded roles, permissions and users: ${created.join(", ")}`
        : "Roles and permissions up to date; demo users already exist.",
    );
  } catch (error) {
    throw new ScriptError((error as Error).message);
  } finally {
    await db.$disconnect();
  }
});
