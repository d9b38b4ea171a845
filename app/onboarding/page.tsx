import { redirect } from "next/navigation";
import { onboardingData } from "./onboarding-data";

/** Resumes the form where the draft left off. */
export default async function OnboardingPage() {
  const draft = await onboardingData.get();
  redirect(draft.completedAt ? "/onboarding/done" : draft.step1 ? "/onboarding/step-2" : "/onboarding/step-1");
}
