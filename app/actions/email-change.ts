"use server";

import { revalidatePath } from "next/cache";
import { formText, isFormData, MALFORMED_FORM_MESSAGE } from "@/lib/action-input";
import { rememberDevice } from "@/lib/auth/device-cookie";
import { currentRequestMeta } from "@/lib/auth/request-meta";
import { getCurrentSessionId, requireUser, verifySession } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { confirmEmailChange, requestEmailChange } from "@/lib/email-change";
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
  const result = await confirmEmailChange(getDb(), {
    token: formData.get("token"),
    signedIn: session && sessionId ? { userId: session.user.id, sessionId } : null,
    requestMeta: await currentRequestMeta(),
  });
  if (result.status === "error") return { status: "error", message: result.message };
  if (result.staysSignedIn) {
    // The device cookie is bound to the sign-in address: this browser keeps its standing under the new one.
    const env = getEnv();
    await rememberDevice({ secret: env.AUTH_SECRET, authUrl: env.AUTH_URL }, result.email);
    revalidatePath("/account");
  }
  const message = result.staysSignedIn
    ? `Your email address is now ${result.email}. Your other sessions were signed out.`
    : `Your email address is now ${result.email}. Every session of your account was signed out: sign in with your new address.`;
  return { status: "changed", message, staysSignedIn: result.staysSignedIn };
}
