import "server-only";
import type { AddressLimit } from "./address-limits";
import type { Db } from "./db";
import { reserveEmailSend, tooManyEmailsMessage } from "./email-send-limits";
import { sendVerificationLink } from "./email-verification";
import type { Env } from "./env";
import { COULD_NOT_SEND_MESSAGE, sendLinkMail } from "./link-mail";
import { accountExistsMessage, sendMail } from "./mail";
import { RESET_PASSWORD_PATH } from "./password-reset";
import { registerUser } from "./registration";

// Registration as the app offers it (the form and POST /api/register): the account, then the confirmation link
// that AUTH_EMAIL_VERIFICATION asks for.
//
// With confirmation required, nobody learns from signing up whether an address has an account: a new address gets
// its confirmation link, an address with an account gets a mail for its owner, and the answer (and the work before
// it: a password hash, a link token, one mail) is the same. Without confirmation a new account is signed in at
// once, which an existing address cannot be, so there the answer says the address is taken.

type SignUpEnv = Pick<
  Env,
  | "AUTH_BCRYPT_COST"
  | "AUTH_EMAIL_VERIFICATION"
  | "AUTH_EMAIL_LINK_MINUTES"
  | "AUTH_PASSWORD_RESET_MINUTES"
  | "AUTH_EMAIL_SEND_MAX"
  | "AUTH_EMAIL_ADDRESS_SEND_MAX"
  | "AUTH_IPV6_PREFIX_BITS"
>;

type Registration = Awaited<ReturnType<typeof registerUser>>;

type SignUpResult =
  | Extract<Registration, { status: "error" }>
  | { status: "error"; reason: "duplicate"; message: string; fieldErrors: { email: string[] } }
  | { status: "error"; reason: "mail_unavailable"; message: string; fieldErrors?: undefined }
  /** Confirmation required: a link is on its way to the address (or, had it an account, a mail to its owner). */
  | { status: "check_inbox"; email: string }
  /** Confirmation optional or off: the account exists and may sign in now. */
  | { status: "created"; userId: string; email: string; linkSent: boolean };

const DUPLICATE = {
  status: "error",
  reason: "duplicate",
  message: "An account with this email already exists. Sign in instead.",
  fieldErrors: { email: ["An account with this email already exists."] },
} as const satisfies SignUpResult;

const MAIL_UNAVAILABLE = {
  status: "error",
  reason: "mail_unavailable",
  message: `${COULD_NOT_SEND_MESSAGE} Your account was not created.`,
} as const satisfies SignUpResult;

/**
 * `origin`: where links point (lib/link-origin.ts); null when no trustworthy one is known. `ip`: the client
 * address the send limit counts (null when unknown).
 */
export async function signUp(
  db: Db,
  env: SignUpEnv,
  input: unknown,
  { addressLimit, origin, ip }: { addressLimit: AddressLimit | null; origin: string | null; ip: string | null },
): Promise<SignUpResult> {
  const mode = env.AUTH_EMAIL_VERIFICATION;
  if (mode === "required" && !origin) {
    console.error("[mail] no trustworthy origin for links: set AUTH_URL");
    return {
      status: "error",
      reason: "mail_unavailable",
      message: "Sign-up is unavailable: this server cannot send email links.",
    };
  }
  const result = await registerUser(db, input, env.AUTH_BCRYPT_COST, addressLimit, ip);
  if (result.status === "error") return result;
  if (mode !== "required") {
    if (result.status === "exists") return DUPLICATE;
    const user = { id: result.userId, email: result.email };
    const linkSent = mode === "optional" && !!origin && (await sendVerificationLink(db, env, { user, origin }));
    return { status: "created", userId: user.id, email: user.email, linkSent };
  }
  return confirmByMail(db, env, result, { origin: origin!, ip });
}

/** Both kinds of registration end here the same way: one counted send, one link token, one mail, one answer. */
async function confirmByMail(
  db: Db,
  env: SignUpEnv,
  registration: Extract<Registration, { status: "created" | "exists" }>,
  { origin, ip }: { origin: string; ip: string | null },
): Promise<SignUpResult> {
  const { userId, email } = registration;
  // Without the link a new account could never sign in: take it back, so trying again later starts afresh.
  const undo = () =>
    registration.status === "created" ? db.user.delete({ where: { id: userId } }).then(() => {}) : Promise.resolve();

  const reservation = await reserveEmailSend(db, env, { email, ip });
  if (!reservation.ok) {
    await undo();
    return {
      status: "error",
      reason: "rate_limited",
      message: tooManyEmailsMessage(reservation.retryAfterSeconds),
      retryAfterSeconds: reservation.retryAfterSeconds,
    };
  }
  const sent =
    registration.status === "created"
      ? await sendVerificationLink(db, env, { user: { id: userId, email }, origin })
      : await tellOwner(db, env, { ...registration, origin });
  if (!sent) {
    await undo();
    return MAIL_UNAVAILABLE;
  }
  return { status: "check_inbox", email };
}

/** The owner of an address someone signed up with: a way to sign in or choose a new password (active accounts). */
async function tellOwner(
  db: Db,
  env: SignUpEnv,
  { userId, email, active, origin }: { userId: string; email: string; active: boolean; origin: string },
): Promise<boolean> {
  const signInUrl = new URL("/login", origin).toString();
  if (!active) return (await sendMail({ to: email, ...accountExistsMessage({ signInUrl, reset: null }) })).ok;
  return sendLinkMail(db, {
    userId,
    email,
    purpose: "reset-password",
    ttlMinutes: env.AUTH_PASSWORD_RESET_MINUTES,
    path: RESET_PASSWORD_PATH,
    origin,
    compose: (reset) => accountExistsMessage({ signInUrl, reset }),
  });
}
