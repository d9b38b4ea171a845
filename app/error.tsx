"use client";

import { buttonClasses } from "@/components/ui/button-styles";

// Shown instead of a stack trace when rendering fails, typically because the database is unreachable.
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="mx-auto max-w-md space-y-4 text-center">
      <p className="text-sm font-semibold text-amber-800 dark:text-amber-300">Service unavailable</p>
      <h1 className="text-2xl font-bold tracking-tight">Something is temporarily unavailable</h1>
      <p className="text-muted-foreground">
        We could not load this page. This usually means the database is unreachable; please try again in a moment.
      </p>
      <button type="button" onClick={reset} className={buttonClasses()}>
        Try again
      </button>
    </div>
  );
}
