import { CredentialsSignin } from "next-auth";
import { clientIp } from "../client-ip";
import type { Db } from "../db";
import type { Env } from "../env";
import {
  bcryptCost,
  dummyHash,
  hashPassword,
  PasswordPoolBusyError,
  passwordPoolSaturated,
  verifyPasswordAtCost,
} from "../password";
import { credentialsSchema } from "../validation";
import { deviceTokenFromRequest, rememberDevice, verifyDeviceToken } from "./device-cookie";
import { noticeSignInFromNewBrowser } from "./new-sign-in";
import { clearAttempts, refundAttempt, reserveAttempt, throttleKeys, type Limit } from "./throttle";

type AuthorizedUser = { id: string; email: string; name: string | null };

/** Thrown while an account or address is locked out; the login form shows a message that names neither. */
class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}

/** Thrown when the password-hashing queue is full: nothing was checked, and the client should retry shortly. */
class SignInBusy extends CredentialsSignin {
  code = "busy";
}

/**
 * Thrown for the right password of an account whose address is not confirmed yet (AUTH_EMAIL_VERIFICATION=required).
 * Only someone who knows the password learns this, so it says nothing about which emails have accounts.
 */
class EmailNotVerified extends CredentialsSignin {
  code = "unverified";
}

type CredentialsEnv = Pick<
  Env,
  | "AUTH_BCRYPT_COST"
  | "AUTH_SIGNIN_MAX_FAILURES"
  | "AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS"
  | "AUTH_SIGNIN_WINDOW_SECONDS"
  | "AUTH_SIGNIN_LOCKOUT_SECONDS"
  | "AUTH_TRUSTED_PROXY_HOPS"
  | "AUTH_SECRET"
  | "AUTH_URL"
  | "AUTH_EMAIL_VERIFICATION"
>;

/** Hands the signed-in browser a new device cookie (tests pass their own to see what would be set). */
type RememberDevice = (
  settings: { secret: string | undefined; authUrl: string | undefined },
  email: string,
) => Promise<void>;

/**
 * The limits one sign-in attempt counts against. From a browser holding this account's device cookie: that
 * device's own bucket only. Otherwise: the account's shared "untrusted" bucket, and the client address when known.
 */
function signInLimits(env: CredentialsEnv, email: string, request: Request | undefined) {
  const timing = { windowSeconds: env.AUTH_SIGNIN_WINDOW_SECONDS, lockoutSeconds: env.AUTH_SIGNIN_LOCKOUT_SECONDS };
  const device = verifyDeviceToken(env.AUTH_SECRET, email, deviceTokenFromRequest(request, { authUrl: env.AUTH_URL }));
  if (device) {
    const limit: Limit = { key: throttleKeys.device(email, device), max: env.AUTH_SIGNIN_MAX_FAILURES, ...timing };
    return { all: [limit], clearOnSuccess: [limit.key], refundOnSuccess: [] };
  }
  const account: Limit = { key: throttleKeys.account(email), max: env.AUTH_SIGNIN_MAX_FAILURES, ...timing };
  const ip = clientIp(request?.headers.get("x-forwarded-for"), env.AUTH_TRUSTED_PROXY_HOPS);
  const address: Limit | null = ip
    ? { key: throttleKeys.address(ip), max: env.AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS, ...timing }
    : null;
  // A success starts the account afresh and does not count against the address.
  return {
    all: address ? [account, address] : [account],
    clearOnSuccess: [account.key],
    refundOnSuccess: address ? [address.key] : [],
  };
}

/**
 * Checks an email + password. Unknown emails, disabled users and wrong passwords all return null after the work
 * of one bcrypt compare at the current cost, so neither the answer nor its timing says whether the email exists.
 * Each attempt is reserved with the throttle BEFORE the compare, so concurrent guesses cannot outrun the limit.
 */
export async function authorizeCredentials(
  db: Db,
  env: CredentialsEnv,
  input: unknown,
  request?: Request,
  remember: RememberDevice = rememberDevice,
): Promise<AuthorizedUser | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  // Refuse before reserving: a full queue must not cost the owner an attempt.
  if (passwordPoolSaturated()) throw new SignInBusy();
  const limits = signInLimits(env, email, request);
  if (!(await reserveAttempt(db, limits.all)).ok) throw new TooManyAttempts();

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, active: true, emailVerified: true },
  });
  const cost = env.AUTH_BCRYPT_COST;
  let valid: boolean;
  try {
    valid = await verifyPasswordAtCost(password, user?.passwordHash || (await dummyHash(cost)), cost);
  } catch (error) {
    if (!(error instanceof PasswordPoolBusyError)) throw error;
    await refundAttempt(
      db,
      limits.all.map((limit) => limit.key),
    ); // nothing was checked
    throw new SignInBusy();
  }
  if (!user || !user.passwordHash || !valid || !user.active) return null; // the reserved attempt stays counted

  await clearAttempts(db, limits.clearOnSuccess);
  await refundAttempt(db, limits.refundOnSuccess);
  if (env.AUTH_EMAIL_VERIFICATION === "required" && !user.emailVerified) throw new EmailNotVerified();
  await remember({ secret: env.AUTH_SECRET, authUrl: env.AUTH_URL }, email);
  if (bcryptCost(user.passwordHash) !== cost) {
    // The configured cost changed since this hash was made: upgrade it while we know the password (or at a
    // later sign-in, when the hashing queue is full now).
    const upgraded = await hashPassword(password, cost).catch((error) =>
      error instanceof PasswordPoolBusyError ? null : Promise.reject(error),
    );
    if (upgraded) await db.user.update({ where: { id: user.id }, data: { passwordHash: upgraded } });
  }
  // Before Auth.js writes the new Session row: whether the account has one yet is part of the rule.
  await noticeSignInFromNewBrowser(db, env, { user, request });
  return { id: user.id, email: user.email, name: user.name };
}
