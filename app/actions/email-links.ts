"use server";

import { formText, isFormData, MALFORMED_FORM_MESSAGE } from "@/lib/action-input";
import { currentRequestMeta } from "@/lib/auth/request-meta";
import { getDb } from "@/lib/db";
import { confirmSignUp, declineSignUp } from "@/lib/confirm-sign-up";
import { requestVerificationLink } from "@/lib/email-verification";
import { getEnv } from "@/lib/env";
import type { FormState } from "@/lib/form-state";
import { linkOrigin } from "@/lib/link-origin";
import { requestPasswordReset, resetPassword } from "@/lib/password-reset";
import { emailSchema } from "@/lib/validation";

// Forms of the emailed-link flows. Answers to "send me a link" never say whether an account exists.

const NO_LINK_ORIGIN_MESSAGE = "Email links are not set up on this server (AUTH_URL). Please tell the administrator.";

type LinkRequest = { email: string; origin: string; ip: string | null };

/** The validated address and what a link request needs, or the form state that refuses it. */
async function linkRequest(formData: FormData): Promise<LinkRequest | { refusal: FormState }> {
  const values = { email: formText(formData, "email").slice(0, 300) };
  const parsed = emailSchema.safeParse(values.email);
  if (!parsed.success)
    return { refusal: { status: "error", fieldErrors: { email: [parsed.error.issues[0]!.message] }, values } };
  const origin = await linkOrigin();
  if (!origin) {
    console.error("[mail] no trustworthy origin for links: set AUTH_URL");
    return { refusal: { status: "error", message: NO_LINK_ORIGIN_MESSAGE, values } };
  }
  return { email: parsed.data, origin, ip: (await currentRequestMeta()).ip };
}

export async function forgotPasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const request = await linkRequest(formData);
  if ("refusal" in request) return request.refusal;
  const result = await requestPasswordReset(getDb(), getEnv(), request);
  if (!result.ok) return { status: "error", message: result.message, values: { email: request.email } };
  return {
    status: "success",
    message: `If an account uses ${request.email}, we have sent it a link to choose a new password. It works for ${getEnv().AUTH_PASSWORD_RESET_MINUTES} minutes.`,
  };
}

export async function resendVerificationAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const request = await linkRequest(formData);
  if ("refusal" in request) return request.refusal;
  const result = await requestVerificationLink(getDb(), getEnv(), request);
  if (!result.ok) return { status: "error", message: result.message, values: { email: request.email } };
  return {
    status: "success",
    message: `If ${request.email} belongs to an account that still needs confirming, we have sent it a new link.`,
  };
}

export async function confirmEmailAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const result = await confirmSignUp(getDb(), getEnv(), {
    token: formText(formData, "token"),
    password: formText(formData, "password"),
    client: (await currentRequestMeta()).ip,
  });
  if (result.status === "error") return { status: "error", message: result.message, fieldErrors: result.fieldErrors };
  return { status: "success", message: "Your email address is confirmed. You can sign in now." };
}

export type DeclineSignUpState = { status: "idle" } | { status: "removed" | "kept" | "error"; message: string };

export async function declineSignUpAction(_prev: DeclineSignUpState, formData: FormData): Promise<DeclineSignUpState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const result = await declineSignUp(getDb(), { token: formText(formData, "token") });
  if (result.status === "error") return { status: "error", message: result.message };
  if (result.status === "removed")
    return { status: "removed", message: "Thank you. The account made with your address has been removed." };
  return {
    status: "kept",
    message:
      "This account has been confirmed or used already, so it was not removed. If you did not create it, choose a new password for it: that signs out whoever did.",
  };
}

export async function resetPasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const result = await resetPassword(getDb(), getEnv(), {
    token: formText(formData, "token"),
    newPassword: formText(formData, "newPassword"),
    confirmPassword: formText(formData, "confirmPassword"),
    meta: await currentRequestMeta(),
  });
  if (result.status === "error") return result;
  const sessions = result.endedSessions === 1 ? "1 session was" : `${result.endedSessions} sessions were`;
  return { status: "success", message: `Your password was changed and ${sessions} signed out. Sign in with it now.` };
}
