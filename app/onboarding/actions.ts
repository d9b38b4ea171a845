"use server";

import { redirect } from "next/navigation";
import type { z } from "zod";
import { formText, isFormData, MALFORMED_FORM_MESSAGE } from "@/lib/action-input";
import type { FormState } from "@/lib/form-state";
import { SessionDataError } from "@/lib/session-data";
import { onboardingData } from "./onboarding-data";
import { step1Schema, step2Schema } from "./onboarding-model";

function fieldErrors(error: z.ZodError): FormState["fieldErrors"] {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) (errors[String(issue.path[0])] ??= []).push(issue.message);
  return errors;
}

/** Saves the draft; a refused write (too large, invalid, session ended) comes back as a message. */
async function save(run: () => Promise<unknown>, values: Record<string, string>): Promise<FormState | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (error instanceof SessionDataError) return { status: "error", message: error.message, values };
    throw error;
  }
}

export async function saveStep1(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const values = {
    name: formText(formData, "name").slice(0, 200),
    company: formText(formData, "company").slice(0, 200),
  };
  const parsed = step1Schema.safeParse(values);
  if (!parsed.success) return { status: "error", fieldErrors: fieldErrors(parsed.error), values };
  const failed = await save(
    () => onboardingData.update((draft) => ({ ...draft, step1: parsed.data, completedAt: undefined })),
    values,
  );
  if (failed) return failed;
  redirect("/onboarding/step-2");
}

export async function saveStep2(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!isFormData(formData)) return { status: "error", message: MALFORMED_FORM_MESSAGE };
  const values = {
    teamSize: formText(formData, "teamSize").slice(0, 50),
    goal: formText(formData, "goal").slice(0, 1000),
  };
  const parsed = step2Schema.safeParse(values);
  if (!parsed.success) return { status: "error", fieldErrors: fieldErrors(parsed.error), values };
  if (!(await onboardingData.get()).step1) redirect("/onboarding/step-1");
  const failed = await save(
    () => onboardingData.set({ step2: parsed.data, completedAt: new Date().toISOString() }),
    values,
  );
  if (failed) return failed;
  redirect("/onboarding/done");
}

export async function startOver(): Promise<void> {
  await onboardingData.clear();
  redirect("/onboarding/step-1");
}
