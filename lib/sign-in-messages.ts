import { formatDuration } from "./auth/throttle";
import { getEnv } from "./env";
import { passwordWorkRetryAfterSeconds } from "./password";

/** The answer when the password-hashing queue had no room for a sign-in: nothing was checked or counted. */
export function signInBusyMessage(retryAfterSeconds = passwordWorkRetryAfterSeconds()): string {
  return `Sign-in is busy right now. Please try again in ${formatDuration(retryAfterSeconds)}.`;
}

/** What the login page says for an Auth.js sign-in error `type` and `code` (durations come from the settings). */
export function signInErrorMessage(type: string, code: string | undefined): string {
  if (type === "CredentialsSignin" && code === "rate_limited") {
    return `Too many sign-in attempts. Please wait ${formatDuration(getEnv().AUTH_SIGNIN_LOCKOUT_SECONDS)} and try again.`;
  }
  if (type === "CredentialsSignin" && code === "busy") return signInBusyMessage();
  if (type === "CredentialsSignin" && code === "unverified")
    return "Please confirm your email address first: open the link we sent you, or ask for a new one below.";
  if (type === "CredentialsSignin") return "Invalid email or password.";
  return "Sign-in is unavailable right now. Please try again shortly.";
}
