import type { Db } from "./db";
import { hashPassword } from "./password";
import { newPasswordStrengthError } from "./password-strength";
import { PERMISSION_DESCRIPTIONS, SEED_ROLES, type Permission } from "./permissions";
import { emailSchema, newPasswordSchema } from "./validation";

export const DEMO_USERS = {
  admin: { email: "admin@example.com", password: "correct-horse-admin", name: "Ada Admin", role: "admin" },
  user: { email: "user@example.com", password: "correct-horse-user", name: "Uma User", role: "user" },
} as const;

type SeedAccountName = keyof typeof DEMO_USERS;
export type SeedAccountInput = { email?: string; password?: string };

export type SeedOptions = {
  cost: number;
  production: boolean;
  /** A password given instead of a demo one must reach this zxcvbn score (default: AUTH_PASSWORD_MIN_SCORE). */
  passwordMinScore?: number;
  admin?: SeedAccountInput;
  user?: SeedAccountInput;
};

/** The environment variables that replace the demo accounts' email and password. */
export const SEED_VARIABLES = {
  admin: { email: "SEED_ADMIN_EMAIL", password: "SEED_ADMIN_PASSWORD" },
  user: { email: "SEED_USER_EMAIL", password: "SEED_USER_PASSWORD" },
} as const satisfies Record<SeedAccountName, Record<keyof SeedAccountInput, string>>;

/** A seed input that breaks the app's rules; its message names the variable and says what to change. */
export class SeedInputError extends Error {
  name = "SeedInputError";
}

/** The SEED_* variables of an environment; an empty value counts as not set. */
export function seedInputFromEnv(env: Record<string, string | undefined>): Pick<SeedOptions, SeedAccountName> {
  const account = (name: SeedAccountName) => ({
    email: env[SEED_VARIABLES[name].email] || undefined,
    password: env[SEED_VARIABLES[name].password] || undefined,
  });
  return { admin: account("admin"), user: account("user") };
}

/** Roles and permissions, made to match lib/permissions.ts (safe to run again). */
export async function seedRolesAndPermissions(db: Db): Promise<void> {
  for (const [name, description] of Object.entries(PERMISSION_DESCRIPTIONS) as [Permission, string][]) {
    await db.permission.upsert({ where: { name }, create: { name, description }, update: { description } });
  }
  for (const role of SEED_ROLES) {
    await db.role.upsert({
      where: { name: role.name },
      create: { name: role.name, description: role.description },
      update: {},
    });
    for (const permissionName of role.permissions) {
      await db.rolePermission.upsert({
        where: { roleName_permissionName: { roleName: role.name, permissionName } },
        create: { roleName: role.name, permissionName },
        update: {},
      });
    }
  }
}

type SeedAccount = { email: string; password: string; name: string; role: string };

/**
 * The accounts a seed would create, with every given email and password checked by the rules registration
 * applies (format, length, zxcvbn strength against the account's own email and name). Throws a SeedInputError
 * listing every problem before anything is written. The demo passwords need no strength check (they are
 * published, so only refused in production).
 */
export async function checkSeedOptions(options: SeedOptions): Promise<SeedAccount[]> {
  const problems: string[] = [];
  const accounts: SeedAccount[] = [];
  for (const name of Object.keys(DEMO_USERS) as SeedAccountName[]) {
    const demo = DEMO_USERS[name];
    const input = options[name] ?? {};
    const variables = SEED_VARIABLES[name];
    let email: string = demo.email;
    if (input.email) {
      const parsed = emailSchema.safeParse(input.email);
      if (parsed.success) email = parsed.data;
      else problems.push(`${variables.email}: ${parsed.error.issues[0].message}.`);
    }
    const password = input.password || demo.password;
    if (input.password && input.password !== demo.password) {
      const parsed = newPasswordSchema.safeParse(input.password);
      const weak = parsed.success
        ? await newPasswordStrengthError(input.password, { email, name: demo.name }, options.passwordMinScore)
        : `${parsed.error.issues[0].message}.`;
      if (weak) problems.push(`${variables.password}: ${weak}`);
    }
    accounts.push({ email, password, name: demo.name, role: demo.role });
  }

  const [admin, user] = accounts;
  if (admin.email === user.email) {
    problems.push(
      `The admin and the user account would both be ${admin.email}: ` +
        `set ${SEED_VARIABLES.admin.email} and ${SEED_VARIABLES.user.email} to different addresses.`,
    );
  }
  const published = new Set<string>([DEMO_USERS.admin.password, DEMO_USERS.user.password]);
  const withDemoPassword = accounts.filter((account) => published.has(account.password));
  if (options.production && withDemoPassword.length) {
    problems.push(
      `Refusing to seed ${withDemoPassword.map((a) => a.email).join(", ")} with the published demo password in production: ` +
        `set ${SEED_VARIABLES.admin.password} and ${SEED_VARIABLES.user.password}.`,
    );
  }
  if (problems.length) throw new SeedInputError(problems.join("\n"));
  return accounts;
}

/** Roles, permissions and the two demo users. Existing users are left as they are. */
export async function seed(db: Db, options: SeedOptions): Promise<{ created: string[] }> {
  const accounts = await checkSeedOptions(options);
  await seedRolesAndPermissions(db);
  const created: string[] = [];
  for (const account of accounts) {
    if (await db.user.findUnique({ where: { email: account.email }, select: { id: true } })) continue;
    await db.user.create({
      data: {
        email: account.email,
        name: account.name,
        roleName: account.role,
        passwordHash: await hashPassword(account.password, options.cost),
        emailVerified: new Date(), // demo accounts sign in without a mail round trip
      },
    });
    created.push(account.email);
  }
  return { created };
}
