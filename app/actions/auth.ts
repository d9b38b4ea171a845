"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn, signOut } from "@/auth";
import { formText, isFormData, MALFORMED_FORM_MESSAGE } from "@/lib/action-input";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { linkOrigin } from "@/lib/link-origin";
import { signUp } from "@/lib/sign-up";
import { registrationLimit } from "@/lib/address-limits";
import { currentRequestMeta } from "@/lib/auth/request-meta";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { signInErrorMessage } from "@/lib/sign-in-messages";
import type { FormState } from "@/lib/form-state";

async function signInWithCredentials(email: string, password: string, callbackUrl: string): Promise<FormState> {
  try {
    // On success this throws NEXT_REDIRECT, which must propagate (only AuthError is caught).
    await signIn("credentials", { email, password, redirectTo: safeCallbackPath(callbackUrl) });
    return { status: "error", message: "Sign-in did not complete." };
  } catch (error) {
    if (error instanceof AuthError) {
      const code = error instanceof CredentialsSignin ? error.code : undefined;
      return { status: "error", message: signInErrorMessage(error.type, code), values: { email: email.slice(0, 300) } };
    }
    throw error;
  }
}

export async function loginAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  return signInWithCredentials(
    formText(formData, "email"),
    formText(formData, "password"),
    formText(formData, "callbackUrl"),
  );
}

export async function registerAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const input = {
    name: formText(formData, "name"),
    email: formText(formData, "email"),
    password: formText(formData, "password"),
  };
  const values = { name: input.name.slice(0, 200), email: input.email.slice(0, 300) };
  const env = getEnv();
  const { ip } = await currentRequestMeta();
  const result = await signUp(getDb(), env, input, {
    addressLimit: registrationLimit(ip, env.AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS, env.AUTH_IPV6_PREFIX_BITS),
    origin: env.AUTH_EMAIL_VERIFICATION === "off" ? null : await linkOrigin(),
    ip,
  });
  if (result.status === "error")
    return { status: "error", message: result.message, fieldErrors: result.fieldErrors, values };
  if (result.status === "check_inbox") {
    return {
      status: "success",
      message: `Almost done: we sent a link to ${result.email}. Open it to confirm your address, then sign in.`,
    };
  }
  // Confirmation optional or off: signed in at once (an unsent link can be asked for again from the banner).
  return signInWithCredentials(result.email, input.password, formText(formData, "callbackUrl"));
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
