// The step-2 choices, in a module of their own: the browser bundle of the step-2 form then does not include zod,
// which probes for eval (new Function) when it loads, and the CSP reports that as a violation.
export const TEAM_SIZES = ["Just me", "2–10", "11–50", "51 or more"] as const;
