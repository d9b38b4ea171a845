// npm run users:unlock -- --email <email>
// Lifts a sign-in lockout (and a password-change lockout) for one account before it runs out by itself.
import { loadEnvFile } from "./lib/env-file";
import { parseCliArgs } from "./lib/args";
import { runScript, ScriptError } from "./lib/prisma-cli";
import { getDb } from "../lib/db";
import { emailSchema } from "../lib/validation";
import { unlockAccount } from "../lib/auth/throttle";

const USAGE = `Usage:
  npm run users:unlock -- --email <email>     lift the account's sign-in and password-change lockouts`;

const options = { email: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

runScript(async () => {
  const { values, positionals } = parseCliArgs({ options, allowPositionals: true }, USAGE);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length) throw new ScriptError(`Unexpected argument "${positionals[0]}".\n\n${USAGE}`);
  const email = emailSchema.safeParse(values.email ?? "");
  if (!email.success) throw new ScriptError(`--email: ${email.error.issues[0].message}.\n\n${USAGE}`);

  await loadEnvFile();
  const db = getDb();
  try {
    const user = await db.user.findUnique({ where: { email: email.data }, select: { id: true, email: true } });
    if (!user) throw new ScriptError(`No user with email ${email.data}.`);
    const cleared = await unlockAccount(db, user);
    console.log(cleared ? `Unlocked ${user.email}.` : `${user.email} was not locked.`);
  } finally {
    await db.$disconnect();
  }
});
