import { redirect } from "next/navigation";
import { Card, Field } from "@/components/ui";
import { startOver } from "../actions";
import { onboardingData } from "../onboarding-data";
import { OnboardingFrame } from "../steps";

export const metadata = { title: "Onboarding · Auth Starter" };

export default async function OnboardingDonePage() {
  const draft = await onboardingData.get();
  if (!draft.step1 || !draft.step2 || !draft.completedAt) redirect("/onboarding");
  return (
    <OnboardingFrame step={3}>
      <Card title="All set">
        <dl className="space-y-3" data-testid="onboarding-summary">
          <Field label="Name" value={draft.step1.name} />
          <Field label="Company or project" value={draft.step1.company} />
          <Field label="Team size" value={draft.step2.teamSize} />
          <Field label="Goal" value={draft.step2.goal || "—"} />
        </dl>
        <form action={startOver} className="mt-6">
          <button
            type="submit"
            className="rounded-lg border border-border px-3 py-1.5 text-sm font-medium hover:bg-muted"
          >
            Start over
          </button>
        </form>
      </Card>
    </OnboardingFrame>
  );
}
