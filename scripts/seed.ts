// npm run db:seed — roles, permissions and demo users (admin@example.com, user@example.com).
import { loadEnvFile } from "./lib/env-file";
import { parseCliArgs } from "./lib/args";
import { runScript } from "./lib/prisma-cli";
import { checkedSeedOptions } from "./lib/seed-options";
import { getEnv } from "../lib/env";
import { getDb } from "../lib/db";
import { seed } from "../lib/seed";

const USAGE = `Usage: npm run db:seed

Creates the roles and permissions of lib/permissions.ts and two users (existing users are left alone):
admin@example.com (role admin) and user@example.com (role user), with the demo passwords from the README.
SEED_ADMIN_EMAIL, SEED_ADMIN_PASSWORD, SEED_USER_EMAIL and SEED_USER_PASSWORD replace them; they must pass
the registration rules (a valid address, a password of 8+ characters rated AUTH_PASSWORD_MIN_SCORE or better).
The demo passwords are refused when NODE_ENV=production.`;

runScript(async () => {
  const { values } = parseCliArgs({ options: { help: { type: "boolean", short: "h" } } }, USAGE);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  await loadEnvFile();
  const env = getEnv();
  const options = await checkedSeedOptions(env);
  const db = getDb();
  try {
    const { created } = await seed(db, options);
    console.log(
      created.length
        ? `Seeded roles, permissions and users: ${created.join(", ")}`
        : "Roles and permissions up to date; the users already exist.",
    );
  } finally {
    await db.$disconnect();
  }
});
