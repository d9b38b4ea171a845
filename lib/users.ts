import type { Db } from "./db";
import { accountSecurityEvent } from "./account/security-event";
import { publishChange } from "./auth/strategy/change-feed";

// Admin changes to accounts; the listing is lib/admin-users.ts.

/**
 * Enables or disables an account; disabling ends all of its sessions (ASVS 7.4.2), links and device cookies
 * (an "account-disabled" security event). False for an unknown user.
 */
export async function setUserActive(db: Db, userId: string, active: boolean): Promise<boolean> {
  if (!(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) return false;
  await accountSecurityEvent(db, {
    kind: active ? "account-enabled" : "account-disabled",
    userId,
    update: { active },
  });
  return true;
}

/** Moves a user to an existing role; returns false for an unknown user or role. */
export async function setUserRole(db: Db, userId: string, roleName: string): Promise<boolean> {
  if (!(await db.role.findUnique({ where: { name: roleName }, select: { name: true } }))) return false;
  const { count } = await db.user.updateMany({ where: { id: userId }, data: { roleName } });
  publishChange({ kind: "user", id: userId });
  return count > 0;
}
