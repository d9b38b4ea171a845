import { redirect } from "next/navigation";
import { Card } from "@/components/ui";
import { onboardingData } from "../onboarding-data";
import { OnboardingFrame } from "../steps";
import { Step2Form } from "./step-2-form";

export const metadata = { title: "Onboarding · Auth Starter" };

export default async function OnboardingStep2Page() {
  const draft = await onboardingData.get();
  if (!draft.step1) redirect("/onboarding/step-1");
  return (
    <OnboardingFrame step={2}>
      <p className="text-sm text-muted-foreground" data-testid="step-1-summary">
        {draft.step1.name} · {draft.step1.company}
      </p>
      <Card>
        <Step2Form draft={draft.step2 ?? {}} />
      </Card>
    </OnboardingFrame>
  );
}
