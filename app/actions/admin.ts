"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { isFormData } from "@/lib/action-input";
import { unlockAccount } from "@/lib/auth/throttle";
import { requirePermission } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { PERMISSIONS } from "@/lib/permissions";
import { revokeSession } from "@/lib/auth/session-admin";
import { accountSecurityEvent } from "@/lib/account/security-event";
import { setUserActive, setUserRole } from "@/lib/users";

// Admin-only state changes. Each action re-checks its permission through the DAL (server actions are
// public endpoints) and validates its input; bad input changes nothing.
const id = z.string().min(1).max(100);

export async function setUserActiveAction(formData: FormData): Promise<void> {
  if (!isFormData(formData)) return;
  const { user: admin } = await requirePermission(PERMISSIONS.usersWrite);
  const userId = id.safeParse(formData.get("userId"));
  const active = formData.get("active");
  if (!userId.success || (active !== "true" && active !== "false")) return;
  if (userId.data === admin.id && active === "false") return; // never lock yourself out
  await setUserActive(getDb(), userId.data, active === "true");
  revalidatePath("/admin");
}

export async function setUserRoleAction(formData: FormData): Promise<void> {
  if (!isFormData(formData)) return;
  await requirePermission(PERMISSIONS.usersWrite);
  const userId = id.safeParse(formData.get("userId"));
  const role = id.safeParse(formData.get("role"));
  if (!userId.success || !role.success) return;
  await setUserRole(getDb(), userId.data, role.data);
  revalidatePath("/admin");
}

export async function revokeUserSessionsAction(formData: FormData): Promise<void> {
  if (!isFormData(formData)) return;
  await requirePermission(PERMISSIONS.sessionsRevoke);
  const userId = id.safeParse(formData.get("userId"));
  if (!userId.success) return;
  const db = getDb();
  if (await db.user.findUnique({ where: { id: userId.data }, select: { id: true } }))
    await accountSecurityEvent(db, { kind: "sessions-ended", userId: userId.data });
  revalidatePath("/admin");
}

export async function revokeSessionAction(formData: FormData): Promise<void> {
  if (!isFormData(formData)) return;
  await requirePermission(PERMISSIONS.sessionsRevoke);
  const sessionId = id.safeParse(formData.get("sessionId"));
  if (!sessionId.success) return;
  await revokeSession(getDb(), sessionId.data);
  revalidatePath("/admin");
}

export async function unlockUserAction(formData: FormData): Promise<void> {
  if (!isFormData(formData)) return;
  await requirePermission(PERMISSIONS.usersWrite);
  const userId = id.safeParse(formData.get("userId"));
  if (!userId.success) return;
  const db = getDb();
  const user = await db.user.findUnique({ where: { id: userId.data }, select: { id: true, email: true } });
  if (user) await unlockAccount(db, user);
  revalidatePath("/admin");
}
