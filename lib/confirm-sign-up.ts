import "server-only";
import { peekEmailToken, redeemEmailToken, type EmailTokenProblem } from "./auth/email-tokens";
import { checkCurrentPassword } from "./current-password";
import type { Db } from "./db";
import type { Env } from "./env";
import { LINK_PROBLEM_MESSAGES } from "./password-reset";

// What the confirmation link's page (/verify-email) does. Whoever signs up chooses the password, but the link goes
// to the address, whose owner may be someone else: a stranger who signed up with it would hold a confirmed account
// at that address as soon as the owner pressed "confirm". So confirming takes the account's password, which the
// real sign-up-er knows, and the address's owner can answer "I did not sign up" instead, which removes an account
// nobody has used yet. Neither tells anyone else anything.

type ConfirmEnv = Pick<
  Env,
  "AUTH_BCRYPT_COST" | "AUTH_SIGNIN_MAX_FAILURES" | "AUTH_SIGNIN_WINDOW_SECONDS" | "AUTH_SIGNIN_LOCKOUT_SECONDS"
>;

type LinkRefusal = { status: "error"; problem: EmailTokenProblem; message: string; fieldErrors?: undefined };
export type SignUpConfirmation =
  | { status: "confirmed" }
  | LinkRefusal
  | { status: "error"; problem: "password"; message: string; fieldErrors?: { password: string[] } };
export type SignUpDecline = { status: "removed" | "kept" } | LinkRefusal;

export const WRONG_SIGN_UP_PASSWORD_MESSAGE = "That is not the password this account was created with.";

const refusal = (problem: EmailTokenProblem): LinkRefusal => ({
  status: "error",
  problem,
  message: LINK_PROBLEM_MESSAGES[problem],
});
const passwordProblem = (message: string): SignUpConfirmation => ({
  status: "error",
  problem: "password",
  message: "Please fix the highlighted fields.",
  fieldErrors: { password: [message] },
});

/**
 * Confirms the address when `password` is the account's. A wrong password leaves the link working and counts
 * against the account like a wrong sign-in password (the password-check throttle of lib/current-password.ts);
 * only a right one uses the link up. `client`: the request's client address, when known.
 */
export async function confirmSignUp(
  db: Db,
  env: ConfirmEnv,
  { token, password, client }: { token: unknown; password: string; client: string | null },
): Promise<SignUpConfirmation> {
  const link = await peekEmailToken(db, "verify-email", token);
  if (!link.ok) return refusal(link.problem);
  if (!password) return passwordProblem("Enter the password you chose when you signed up.");
  const { userId, email } = link.token;
  const check = await checkCurrentPassword(
    db,
    { userId, currentPassword: password, cost: env.AUTH_BCRYPT_COST, client },
    {
      max: env.AUTH_SIGNIN_MAX_FAILURES,
      windowSeconds: env.AUTH_SIGNIN_WINDOW_SECONDS,
      lockoutSeconds: env.AUTH_SIGNIN_LOCKOUT_SECONDS,
    },
  );
  if (!check.ok)
    return check.problem === "wrong"
      ? passwordProblem(WRONG_SIGN_UP_PASSWORD_MESSAGE)
      : { status: "error", problem: "password", message: check.message };

  const redeemed = await redeemEmailToken(db, "verify-email", token);
  if (!redeemed.ok) return refusal(redeemed.problem);
  const { count } = await db.user.updateMany({
    where: { id: userId, email, emailVerified: null },
    data: { emailVerified: new Date() },
  });
  // Confirmed before (count 0 with the same address) is fine; an address changed since the link was sent is not.
  if (count === 0 && !(await db.user.findFirst({ where: { id: userId, email }, select: { id: true } })))
    return refusal("invalid");
  return { status: "confirmed" };
}

/**
 * "I did not sign up": uses the link up and removes its account if nobody has used it: still unconfirmed, still at
 * this address, never signed in (no session). A confirmed or used account is kept; the owner of the address (who
 * holds the link) is told so and can take it over with a password reset. Nobody else is told anything.
 */
export async function declineSignUp(db: Db, { token }: { token: unknown }): Promise<SignUpDecline> {
  const redeemed = await redeemEmailToken(db, "verify-email", token);
  if (!redeemed.ok) return refusal(redeemed.problem);
  const { userId, email } = redeemed.token;
  const { count } = await db.user.deleteMany({
    where: { id: userId, email, emailVerified: null, sessions: { none: {} } },
  });
  return { status: count === 1 ? "removed" : "kept" };
}
