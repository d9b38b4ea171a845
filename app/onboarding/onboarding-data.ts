import "server-only";
import { defineSessionData } from "@/lib/session-data";
import { draftSchema, type OnboardingDraft } from "./onboarding-model";

/** The onboarding draft, kept on the server between the steps (signed in or not). */
export const onboardingData = defineSessionData<OnboardingDraft>("onboarding", draftSchema, { initial: {} });
