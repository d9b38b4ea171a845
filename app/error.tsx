"use client";

// Shown instead of a stack trace when rendering fails, typically because the database is unreachable.
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="mx-auto max-w-md space-y-4 text-center">
      <p className="text-sm font-semibold text-amber-600">Service unavailable</p>
      <h1 className="text-2xl font-bold tracking-tight">Something is temporarily unavailable</h1>
      <p className="text-slate-600">
        We could not load this page. This usually means the database is unreachable; please try again in a moment.
      </p>
      <button
        onClick={reset}
        className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
      >
        Try again
      </button>
    </div>
  );
}
