import { ADDRESS_LIMIT_WINDOW_SECONDS } from "./address-limits";
import { EMAIL_SEND_WINDOW_SECONDS } from "./email-send-limits";
import type { Env } from "./env";

/**
 * The longest window of any throttle counter (SignInThrottle row): sign-in, device and current-password guesses
 * count over AUTH_SIGNIN_WINDOW_SECONDS, the per-address creation limits and the emailed-link limits (forgot
 * password, confirmation, email change) over an hour each. A counter whose window began longer ago than this, and
 * whose lockout is over, counts nothing any more: purgeStaleThrottles may delete it. A new limit adds its window here.
 */
export function longestThrottleWindowSeconds(env: Pick<Env, "AUTH_SIGNIN_WINDOW_SECONDS">): number {
  return Math.max(env.AUTH_SIGNIN_WINDOW_SECONDS, ADDRESS_LIMIT_WINDOW_SECONDS, EMAIL_SEND_WINDOW_SECONDS);
}
