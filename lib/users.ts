import type { Db } from "./db";
import { revokeUserSessions } from "./auth/session-admin";
import { publishChange } from "./auth/strategy/change-feed";

// Admin changes to accounts; the listing is lib/admin-users.ts.

/** Enables or disables an account; disabling ends all of its sessions (ASVS 7.4.2). */
export async function setUserActive(db: Db, userId: string, active: boolean): Promise<boolean> {
  const { count } = await db.user.updateMany({ where: { id: userId }, data: { active } });
  publishChange({ kind: "user", id: userId });
  if (count && !active) await revokeUserSessions(db, userId);
  return count > 0;
}

/** Moves a user to an existing role; returns false for an unknown user or role. */
export async function setUserRole(db: Db, userId: string, roleName: string): Promise<boolean> {
  if (!(await db.role.findUnique({ where: { name: roleName }, select: { name: true } }))) return false;
  const { count } = await db.user.updateMany({ where: { id: userId }, data: { roleName } });
  publishChange({ kind: "user", id: userId });
  return count > 0;
}
