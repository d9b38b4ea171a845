import { Card } from "@/components/ui";
import { onboardingData } from "../onboarding-data";
import { OnboardingFrame } from "../steps";
import { Step1Form } from "./step-1-form";

export const metadata = { title: "Onboarding · Auth Starter" };

export default async function OnboardingStep1Page() {
  const draft = await onboardingData.get();
  return (
    <OnboardingFrame step={1}>
      <Card>
        <Step1Form draft={draft.step1 ?? {}} />
      </Card>
    </OnboardingFrame>
  );
}
