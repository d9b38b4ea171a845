import type { Db } from "./db";
import { hashPassword } from "./password";
import { PERMISSION_DESCRIPTIONS, SEED_ROLES, type Permission } from "./permissions";

export const DEMO_USERS = {
  admin: { email: "admin@example.com", password: "correct-horse-admin", name: "Ada Admin", role: "admin" },
  user: { email: "user@example.com", password: "correct-horse-user", name: "Uma User", role: "user" },
} as const;

export type SeedOptions = {
  cost: number;
  production: boolean;
  admin?: { email?: string; password?: string };
  user?: { email?: string; password?: string };
};

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

function seedAccounts(options: SeedOptions) {
  return [
    { ...DEMO_USERS.admin, ...stripEmpty(options.admin) },
    { ...DEMO_USERS.user, ...stripEmpty(options.user) },
  ];
}

/** Throws when seeding would give a production account a published demo password (checked before any write). */
export function assertSeedAllowed(options: SeedOptions): void {
  if (!options.production) return;
  const defaults = seedAccounts(options).filter(
    (a) => a.password === DEMO_USERS.admin.password || a.password === DEMO_USERS.user.password,
  );
  if (defaults.length) {
    throw new Error(
      `Refusing to seed ${defaults.map((a) => a.email).join(", ")} with the published demo password in production: set SEED_ADMIN_PASSWORD and SEED_USER_PASSWORD.`,
    );
  }
}

/** Roles, permissions and the two demo users. Existing users are left as they are. */
export async function seed(db: Db, options: SeedOptions): Promise<{ created: string[] }> {
  assertSeedAllowed(options);
  const accounts = seedAccounts(options);
  await seedRolesAndPermissions(db);
  const created: string[] = [];
  for (const account of accounts) {
    const email = account.email.toLowerCase();
    if (await db.user.findUnique({ where: { email }, select: { id: true } })) continue;
    await db.user.create({
      data: {
        email,
        name: account.name,
        roleName: account.role,
        passwordHash: await hashPassword(account.password, options.cost),
        emailVerified: new Date(), // demo accounts sign in without a mail round trip
      },
    });
    created.push(email);
  }
  return { created };
}

function stripEmpty(value?: { email?: string; password?: string }) {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v)) as { email?: string; password?: string };
}
