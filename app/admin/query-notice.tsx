/** What the query string asked for that could not be used (each part fell back to its default). */
export function QueryNotice({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <div
      role="status"
      data-testid="query-problems"
      className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-200"
    >
      <p className="font-medium">Part of the address could not be used:</p>
      <ul className="mt-1 list-disc pl-5">
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
    </div>
  );
}
