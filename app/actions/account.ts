"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { signOut } from "@/auth";
import { formText, isFormData, MALFORMED_FORM_MESSAGE } from "@/lib/action-input";
import { changePassword } from "@/lib/account/change-password";
import { getCurrentSessionId, requireUser } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { FormState } from "@/lib/form-state";
import { currentRequestMeta } from "@/lib/auth/request-meta";
import { listActiveSessions, revokeSession } from "@/lib/auth/session-admin";
import { rememberDevice, type DeviceAccount } from "@/lib/auth/device-cookie";
import { accountSecurityEvent } from "@/lib/account/security-event";

/** The browser that made a security change stays trusted: its device cookie is re-issued at the new epoch. */
async function keepThisDevice(account: DeviceAccount) {
  const env = getEnv();
  await rememberDevice({ secret: env.AUTH_SECRET, authUrl: env.AUTH_URL }, account);
}

export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const { user } = await requireUser();
  const env = getEnv();
  const result = await changePassword(
    getDb(),
    {
      userId: user.id,
      currentPassword: formText(formData, "currentPassword"),
      newPassword: formText(formData, "newPassword"),
      confirmPassword: formText(formData, "confirmPassword"),
      keepSessionId: await getCurrentSessionId(),
      cost: env.AUTH_BCRYPT_COST,
      requestMeta: await currentRequestMeta(),
    },
    {
      max: env.AUTH_SIGNIN_MAX_FAILURES,
      windowSeconds: env.AUTH_SIGNIN_WINDOW_SECONDS,
      lockoutSeconds: env.AUTH_SIGNIN_LOCKOUT_SECONDS,
    },
  );
  if (result.status === "error") return result;
  await keepThisDevice(result);
  revalidatePath("/account/sessions");
  const others = result.endedSessions === 1 ? "1 other session was" : `${result.endedSessions} other sessions were`;
  return { status: "success", message: `Password changed. ${others} signed out.` };
}

const sessionIdSchema = z.string().min(1).max(100);

/** Ends one of the signed-in user's own sessions; ending the current one signs this browser out. */
export async function revokeOwnSessionAction(formData: FormData): Promise<void> {
  if (!isFormData(formData)) return;
  const { user } = await requireUser();
  const id = sessionIdSchema.safeParse(formData.get("sessionId"));
  if (!id.success) return;
  const db = getDb();
  const own = (await listActiveSessions(db, { userId: user.id })).some((s) => s.id === id.data);
  if (!own) return; // not this user's session: change nothing, reveal nothing
  if (id.data === (await getCurrentSessionId())) {
    await signOut({ redirectTo: "/login" });
    return;
  }
  await revokeSession(db, id.data);
  revalidatePath("/account/sessions");
}

export async function revokeOtherSessionsAction(): Promise<void> {
  const { user } = await requireUser();
  const current = await getCurrentSessionId();
  // "Sign out everywhere else" is what an owner does on suspecting someone else: it ends what they may hold.
  const event = await accountSecurityEvent(getDb(), {
    kind: "sessions-ended",
    userId: user.id,
    keepSessionId: current,
  });
  await keepThisDevice(event);
  revalidatePath("/account/sessions");
}
