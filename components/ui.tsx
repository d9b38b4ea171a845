import type { ReactNode } from "react";

// Small presentational pieces shared by the pages, on the design tokens of app/globals.css.
export function Card({
  title,
  children,
  className = "",
}: {
  title?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section
      className={`min-w-0 rounded-2xl border border-border bg-card p-4 text-card-foreground shadow-sm sm:p-6 ${className}`}
    >
      {title ? <h2 className="mb-4 text-lg font-semibold">{title}</h2> : null}
      {children}
    </section>
  );
}

const BADGE_TONES = {
  slate: "bg-muted text-muted-foreground ring-border",
  indigo: "bg-accent text-accent-foreground ring-primary/30",
  emerald:
    "bg-emerald-50 text-emerald-700 ring-emerald-200 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-500/30",
  amber: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-500/30",
  rose: "bg-rose-50 text-rose-700 ring-rose-200 dark:bg-rose-500/10 dark:text-rose-300 dark:ring-rose-500/30",
};

export function Badge({ children, tone = "slate" }: { children: ReactNode; tone?: keyof typeof BADGE_TONES }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${BADGE_TONES[tone]}`}
    >
      {children}
    </span>
  );
}

export function Field({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1 sm:flex-row sm:items-baseline sm:gap-4">
      <dt className="w-40 shrink-0 text-sm text-muted-foreground">{label}</dt>
      <dd className="min-w-0 text-sm font-medium wrap-anywhere" data-field={label}>
        {value}
      </dd>
    </div>
  );
}

const NOTICE_TONES = {
  warning:
    "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200",
  error: "border-rose-200 bg-rose-50 text-rose-800 dark:border-rose-500/30 dark:bg-rose-500/10 dark:text-rose-200",
  success:
    "border-emerald-200 bg-emerald-50 text-emerald-800 dark:border-emerald-500/30 dark:bg-emerald-500/10 dark:text-emerald-200",
};

/** A banner inside the page: warnings, errors and confirmations in one look. */
export function Notice({
  tone,
  children,
  role,
  testId,
}: {
  tone: keyof typeof NOTICE_TONES;
  children: ReactNode;
  role?: "alert" | "status";
  testId?: string;
}) {
  return (
    <p role={role} data-testid={testId} className={`rounded-lg border px-3 py-2 text-sm ${NOTICE_TONES[tone]}`}>
      {children}
    </p>
  );
}
