// Which (database, session strategy) combinations each e2e file runs in. A file whose behaviour depends on
// neither runs once, on the run's first combination; one that depends on the strategy runs in both strategies
// on the first database; on the database, on both databases with the first strategy; on both, in all four.
// The integration tests cover the same rules below the browser on both databases.

export type Dependence = "neither" | "strategy" | "database" | "both";
export type Provider = "sqlite" | "postgresql";
export type Strategy = "database" | "jwt";

export const E2E_MATRIX: Record<string, Dependence | "standalone"> = {
  "account.test.ts": "strategy",
  "address-limits.test.ts": "database",
  "admin.test.ts": "strategy",
  "api.test.ts": "strategy",
  "auth-body-limit.test.ts": "neither",
  "authorization.test.ts": "strategy",
  "bad-input.test.ts": "strategy",
  "browser.test.ts": "strategy",
  "change-feed.test.ts": "both",
  "claims-freshness.test.ts": "both",
  "cookie-strictness.test.ts": "strategy",
  "cookies.test.ts": "strategy",
  "device-cookie.test.ts": "neither",
  "email-change.test.ts": "strategy",
  "email-flows.test.ts": "strategy",
  "fuzz.test.ts": "both",
  "layout.test.ts": "neither",
  "mail-outage.test.ts": "neither",
  "multi-instance.test.ts": "both",
  "outage.test.ts": "both",
  "page-controls.test.ts": "neither",
  "password-strength.test.ts": "neither",
  "redirect-variants.test.ts": "neither",
  "register-api.test.ts": "database",
  "security-headers.test.ts": "strategy",
  "server-action-guard.test.ts": "neither",
  "session-data-planting.test.ts": "neither",
  "session-data.test.ts": "strategy",
  "sessions.test.ts": "strategy",
  "sliding-session.test.ts": "strategy",
  // Its own step (tests/support/run-tests.ts standalone()): the Docker image's app, on every database.
  "standalone.test.ts": "standalone",
  "startup-check.test.ts": "database",
  "throttle-instances.test.ts": "database",
};

/** e2e files not in the matrix: a new file must say what it depends on before it runs anywhere. */
export function unclassified(files: string[]): string[] {
  return files.filter((file) => !(file in E2E_MATRIX));
}

/** The files of `files` that run in this combination of a run over `providers` × `strategies`. */
export function filesFor(
  files: string[],
  combination: { provider: Provider; strategy: Strategy },
  run: { providers: Provider[]; strategies: Strategy[] },
): string[] {
  const firstProvider = combination.provider === run.providers[0];
  const firstStrategy = combination.strategy === run.strategies[0];
  const runs: Record<Dependence, boolean> = {
    neither: firstProvider && firstStrategy,
    strategy: firstProvider,
    database: firstStrategy,
    both: true,
  };
  return files.filter((file) => {
    const dependence = E2E_MATRIX[file];
    return dependence !== undefined && dependence !== "standalone" && runs[dependence];
  });
}
