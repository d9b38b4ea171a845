// Roles and permissions live in the database (Role, Permission, RolePermission) so they can be edited
// in Prisma Studio. These constants are the names the code checks and what the seed creates.

export const PERMISSIONS = {
  usersRead: "users:read",
  usersWrite: "users:write",
  sessionsRead: "sessions:read",
  sessionsRevoke: "sessions:revoke",
} as const;

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

export const PERMISSION_DESCRIPTIONS: Record<Permission, string> = {
  "users:read": "List users and their roles",
  "users:write": "Change users' roles and enable or disable accounts",
  "sessions:read": "See any user's sessions",
  "sessions:revoke": "End any user's sessions",
};

export const DEFAULT_ROLE = "user";

export const SEED_ROLES: { name: string; description: string; permissions: Permission[] }[] = [
  { name: "admin", description: "Full access to users and sessions", permissions: Object.values(PERMISSIONS) },
  { name: DEFAULT_ROLE, description: "A regular signed-in user", permissions: [] },
];

export function hasPermission(claims: { permissions: readonly string[] }, permission: Permission): boolean {
  return claims.permissions.includes(permission);
}
