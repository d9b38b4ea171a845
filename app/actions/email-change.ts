"use server";

import { revalidatePath } from "next/cache";
import { formText, isFormData, MALFORMED_FORM_MESSAGE } from "@/lib/action-input";
import { rememberDevice } from "@/lib/auth/device-cookie";
import { currentRequestMeta } from "@/lib/auth/request-meta";
import { getCurrentSessionId, requireUser, verifySession } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { confirmEmailChange, requestEmailChange, undoEmailChange } from "@/lib/email-change";
import { RESET_PASSWORD_PATH } from "@/lib/password-reset";
import { redirect } from "next/navigation";
import { getEnv } from "@/lib/env";
import type { FormState } from "@/lib/form-state";

export async function requestEmailChangeAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const { user } = await requireUser();
  const env = getEnv();
  const newEmail = formText(formData, "newEmail");
  const result = await requestEmailChange(
    getDb(),
    env,
    {
      userId: user.id,
      newEmail,
      currentPassword: formText(formData, "currentPassword"),
      cost: env.AUTH_BCRYPT_COST,
      ip: (await currentRequestMeta()).ip,
    },
    {
      max: env.AUTH_SIGNIN_MAX_FAILURES,
      windowSeconds: env.AUTH_SIGNIN_WINDOW_SECONDS,
      lockoutSeconds: env.AUTH_SIGNIN_LOCKOUT_SECONDS,
    },
  );
  if (result.status === "error") return { ...result, values: { newEmail: newEmail.slice(0, 300) } };
  return { status: "success", message: result.message };
}

export type ConfirmEmailChangeState =
  | { status: "idle" }
  | { status: "changed"; message: string; staysSignedIn: boolean }
  | { status: "error"; message: string };

/** The button on /confirm-email-change: a POST, so a mail scanner opening the link changes nothing. */
export async function confirmEmailChangeAction(
  _prev: ConfirmEmailChangeState,
  formData: FormData,
): Promise<ConfirmEmailChangeState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const session = await verifySession();
  const sessionId = await getCurrentSessionId();
  const env = getEnv();
  const result = await confirmEmailChange(getDb(), env, {
    token: formData.get("token"),
    signedIn: session && sessionId ? { userId: session.user.id, sessionId } : null,
    requestMeta: await currentRequestMeta(),
  });
  if (result.status === "error") return { status: "error", message: result.message };
  if (result.staysSignedIn) {
    // The device cookie is bound to the address and the epoch: this browser keeps its standing under the new ones.
    if (result.credentialEpoch !== null)
      await rememberDevice(
        { secret: env.AUTH_SECRET, authUrl: env.AUTH_URL },
        { email: result.email, credentialEpoch: result.credentialEpoch },
      );
    revalidatePath("/account");
  }
  const message = result.staysSignedIn
    ? `Your email address is now ${result.email}. Your other sessions were signed out.`
    : `Your email address is now ${result.email}. Every session of your account was signed out: sign in with your new address.`;
  return { status: "changed", message, staysSignedIn: result.staysSignedIn };
}

export type UndoEmailChangeState = { status: "idle" } | { status: "error"; message: string };

/**
 * The button on /undo-email-change (a POST, like every link's action): puts the old address back, ends
 * everything, and sends this browser on to choose a new password.
 */
export async function undoEmailChangeAction(
  _prev: UndoEmailChangeState,
  formData: FormData,
): Promise<UndoEmailChangeState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const result = await undoEmailChange(getDb(), getEnv(), { token: formData.get("token") });
  if (result.status === "error") return { status: "error", message: result.message };
  redirect(`${RESET_PASSWORD_PATH}?${new URLSearchParams({ token: result.resetToken, undone: "1" })}`);
}
