// npm run users:create -- --email ann@example.com [--name "Ann"] [--role admin]
// The password comes from USER_PASSWORD or a hidden prompt, never from the command line.
import { z } from "zod";
import { loadEnvFile } from "./lib/env-file";
import { parseCliArgs } from "./lib/args";
import { isInteractive, readHidden } from "./lib/prompt";
import { runScript, ScriptError } from "./lib/prisma-cli";
import { getEnv } from "../lib/env";
import { getDb, type Db } from "../lib/db";
import { hashPassword } from "../lib/password";
import { DEFAULT_ROLE } from "../lib/permissions";
import { emailSchema, NAME_MAX_LENGTH, newPasswordSchema } from "../lib/validation";

const USAGE = `Usage: npm run users:create -- --email <email> [--name <name>] [--role <role>]

The password is read from the USER_PASSWORD environment variable or, in a terminal, asked for twice
without echo. The role defaults to "${DEFAULT_ROLE}".`;

const PASSWORD_FLAG_REFUSED = `--password is not accepted: a password on the command line is saved in your shell history and
visible to other users of this machine in the process list (ps). Run the command in a terminal to be
prompted, or set USER_PASSWORD in the environment instead.`;

const nameSchema = z.string().trim().max(NAME_MAX_LENGTH, `Name must be at most ${NAME_MAX_LENGTH} characters`);

runScript(async () => {
  const argv = process.argv.slice(2);
  if (argv.some((arg) => arg === "--password" || arg.startsWith("--password=") || arg === "-p"))
    throw new ScriptError(PASSWORD_FLAG_REFUSED);
  // Read before .env is loaded: a password must be given for this run, not picked up from a file.
  const passwordFromEnv = process.env.USER_PASSWORD || undefined;

  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        email: { type: "string" },
        name: { type: "string" },
        role: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.email === undefined) throw new ScriptError(`--email is required.\n\n${USAGE}`);
  const email = valid(emailSchema, values.email, "--email");
  const name = values.name === undefined ? null : valid(nameSchema, values.name, "--name") || null;
  const role = values.role ?? DEFAULT_ROLE;
  if (!passwordFromEnv && !isInteractive()) {
    throw new ScriptError(
      "No password: set USER_PASSWORD in the environment, or run this in a terminal to be prompted for one.",
    );
  }

  await loadEnvFile();
  const env = getEnv();
  const db = getDb();
  try {
    await assertRoleExists(db, role);
    if (await db.user.findUnique({ where: { email }, select: { id: true } })) throw duplicate(email);
    const password = valid(newPasswordSchema, passwordFromEnv ?? (await promptPassword()));
    const passwordHash = await hashPassword(password, env.AUTH_BCRYPT_COST);
    const user = await db.user
      // An operator vouches for the address: the account can sign in without a confirmation mail.
      .create({ data: { email, name, roleName: role, passwordHash, emailVerified: new Date() }, select: { id: true } })
      .catch((error: unknown) => {
        // Someone created the same email between the check and the insert.
        throw (error as { code?: string }).code === "P2002" ? duplicate(email) : error;
      });
    console.log(`Created user ${email} with role "${role}" (id ${user.id}).`);
  } finally {
    await db.$disconnect();
  }
});

function valid<T>(schema: z.ZodType<T, string>, value: string, label?: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ScriptError(`${label ? `${label}: ` : ""}${result.error.issues[0].message}.`);
  return result.data;
}

async function assertRoleExists(db: Db, role: string) {
  const roles = (await db.role.findMany({ select: { name: true }, orderBy: { name: "asc" } })).map((r) => r.name);
  if (roles.length === 0) throw new ScriptError("The database has no roles yet: run `npm run db:seed` first.");
  if (!roles.includes(role)) throw new ScriptError(`Unknown role "${role}". Valid roles: ${roles.join(", ")}.`);
}

const duplicate = (email: string) => new ScriptError(`A user with email ${email} already exists; nothing was changed.`);

async function promptPassword(): Promise<string> {
  const password = await readHidden("Password: ");
  // Check the rules before asking again, so a too-short password is reported at once.
  valid(newPasswordSchema, password);
  if ((await readHidden("Repeat password: ")) !== password)
    throw new ScriptError("The passwords do not match; nothing was changed.");
  return password;
}
