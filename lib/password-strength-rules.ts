// What the server's password-strength check (lib/password-strength.ts) and the browser's strength meter
// (components/password-strength-meter.tsx) share, so both rate a password the same way. No zxcvbn import here:
// its dictionaries are large, and this module is also part of the pages' bundles.

/**
 * zxcvbn-ts options that bound the work per check: its cost grows with the length times the number of l33t variants
 * tried, and with the default of 100 variants one 72-byte password of digits and symbols costs as much CPU as many
 * bcrypt hashes. 10 variants rate realistic l33t passwords the same as 100. 72 characters is the whole of every
 * password the byte limit lets through (zxcvbn's default, 256, is never reached).
 */
export const STRENGTH_ESTIMATOR_LIMITS = { l33tMaxSubstitutions: 10, maxLength: 72 } as const;

/** zxcvbn's English warnings, reworded where they read badly on their own. */
export const STRENGTH_WARNING_OVERRIDES = {
  userInputs: "Passwords that contain your name or email address are easy to guess.",
} as const;

/** zxcvbn scores 0–4 (an estimate of the guesses needed: < 10^3, < 10^6, < 10^8, < 10^10, more). */
export const STRENGTH_LABELS = ["Too weak", "Weak", "Fair", "Strong", "Very strong"] as const;

export type StrengthEstimate = { score: 0 | 1 | 2 | 3 | 4; warning: string | null; suggestions: string[] };

/** The user's own details as zxcvbn "user inputs": a password built from them is rated weak. */
export function personalPasswordInputs({ email, name }: { email?: string | null; name?: string | null }): string[] {
  const inputs = new Set<string>();
  for (const value of [email, name]) {
    const lower = value?.trim().toLowerCase();
    if (!lower) continue;
    // "Alice Smith", alice.smith@example.com → also alice.smith, alicesmith, alice, smith, example, com: zxcvbn
    // only spots a user input as a whole word, and each of these is as guessable as the whole.
    const local = lower.split("@")[0];
    const parts = lower.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3);
    for (const input of [lower, local, local.replace(/[^\p{L}\p{N}]+/gu, ""), ...parts]) if (input) inputs.add(input);
  }
  return [...inputs];
}

/** The field message for a password below the minimum score: zxcvbn's warning and suggestions. */
export function weakPasswordMessage({
  warning,
  suggestions,
}: Pick<StrengthEstimate, "warning" | "suggestions">): string {
  const advice = [warning, ...suggestions].filter((line): line is string => Boolean(line));
  // zxcvbn gives no advice for scores of 3 and up, which a stricter minimum can still refuse.
  return [
    "This password is too easy to guess.",
    ...(advice.length ? advice : ["Add more words that are less common."]),
  ].join(" ");
}
