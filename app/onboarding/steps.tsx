import type { ReactNode } from "react";

/** The heading and progress shared by the steps. */
export function OnboardingFrame({ step, children }: { step: 1 | 2 | 3; children: ReactNode }) {
  const labels = ["About you", "Your team", "Done"];
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">Onboarding</h1>
        <p className="text-sm text-muted-foreground">
          A two-step form whose draft is kept on the server as session data: leave, reload or sign in between the steps
          and it is still there.
        </p>
        <ol className="flex flex-wrap gap-2 text-xs font-medium">
          {labels.map((label, index) => (
            <li
              key={label}
              aria-current={index + 1 === step ? "step" : undefined}
              className={`rounded-full px-3 py-1 ${index + 1 === step ? "bg-primary text-primary-foreground" : "bg-muted text-muted-foreground"}`}
            >
              {index + 1}. {label}
            </li>
          ))}
        </ol>
      </div>
      {children}
    </div>
  );
}
