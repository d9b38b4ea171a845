import { CredentialsSignin } from "next-auth";
import { addressBucket, clientIp } from "../client-ip";
import type { Db } from "../db";
import type { Env } from "../env";
import {
  admitPasswordWork,
  bcryptCost,
  dummyHash,
  hashPassword,
  isPasswordPoolBusy,
  verifyPasswordAtCost,
} from "../password";
import { credentialsSchema } from "../validation";
import { deviceTokenFromRequest, rememberDevice, verifyDeviceToken, type DeviceAccount } from "./device-cookie";
import { noticeSignInFromNewBrowser } from "./new-sign-in";
import { clearAttempts, refundAttempt, reserveAttempt, throttleKeys, type Limit } from "./throttle";

type AuthorizedUser = { id: string; email: string; name: string | null };

/** Thrown while an account or address is locked out; the login form shows a message that names neither. */
class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}

/** Thrown when the password-hashing queue has no room for this request: nothing was checked or counted. */
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
  | "AUTH_IPV6_PREFIX_BITS"
  | "AUTH_SECRET"
  | "AUTH_URL"
  | "AUTH_EMAIL_VERIFICATION"
>;

/** Hands the signed-in browser a new device cookie (tests pass their own to see what would be set). */
type RememberDevice = (
  settings: { secret: string | undefined; authUrl: string | undefined },
  account: DeviceAccount,
) => Promise<void>;

/**
 * Device buckets of one account that may hold failures at once. Each device cookie came from a successful
 * sign-in, so only someone who knew the password can hold many; past this, further cookies count as untrusted.
 */
export const DEVICE_BUCKETS_PER_ACCOUNT = 10;

/** Whether `key` may have a device bucket of its own: it has one already, or the account has room for one. */
async function deviceBucketAvailable(db: Db, email: string, key: string, windowSeconds: number): Promise<boolean> {
  const now = new Date();
  const live = await db.signInThrottle.findMany({
    where: {
      key: { startsWith: throttleKeys.device(email, "") },
      OR: [{ lockedUntil: { gt: now } }, { windowStart: { gt: new Date(now.getTime() - windowSeconds * 1000) } }],
    },
    select: { key: true },
    take: DEVICE_BUCKETS_PER_ACCOUNT,
  });
  return live.length < DEVICE_BUCKETS_PER_ACCOUNT || live.some((row) => row.key === key);
}

/**
 * The limits one sign-in attempt counts against. From a browser holding this account's device cookie (issued
 * at its current credential epoch): that device's own bucket only. Otherwise: the account's shared "untrusted"
 * bucket, and the client address when known.
 */
async function signInLimits(
  db: Db,
  env: CredentialsEnv,
  { email, account }: { email: string; account: DeviceAccount | null },
  request: Request | undefined,
) {
  const timing = { windowSeconds: env.AUTH_SIGNIN_WINDOW_SECONDS, lockoutSeconds: env.AUTH_SIGNIN_LOCKOUT_SECONDS };
  const ip = clientIp(request?.headers.get("x-forwarded-for"), env.AUTH_TRUSTED_PROXY_HOPS);
  const cookie = deviceTokenFromRequest(request, { authUrl: env.AUTH_URL });
  const device = account && verifyDeviceToken(env.AUTH_SECRET, account, cookie);
  if (device) {
    const limit: Limit = { key: throttleKeys.device(email, device), max: env.AUTH_SIGNIN_MAX_FAILURES, ...timing };
    if (await deviceBucketAvailable(db, email, limit.key, timing.windowSeconds))
      return { all: [limit], clearOnSuccess: [limit.key], refundOnSuccess: [], trustedDevice: true, ip };
  }
  const untrusted: Limit = { key: throttleKeys.account(email), max: env.AUTH_SIGNIN_MAX_FAILURES, ...timing };
  const bucket = addressBucket(ip, env.AUTH_IPV6_PREFIX_BITS);
  const address: Limit | null = bucket
    ? { key: throttleKeys.address(bucket), max: env.AUTH_SIGNIN_ADDRESS_MAX_ATTEMPTS, ...timing }
    : null;
  // A success starts the account afresh and does not count against the address.
  return {
    all: address ? [untrusted, address] : [untrusted],
    clearOnSuccess: [untrusted.key],
    refundOnSuccess: address ? [address.key] : [],
    trustedDevice: false,
    ip,
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
  const user = await db.user.findUnique({
    where: { email },
    select: {
      id: true,
      email: true,
      name: true,
      passwordHash: true,
      active: true,
      emailVerified: true,
      credentialEpoch: true,
    },
  });
  const limits = await signInLimits(db, env, { email, account: user }, request);
  // A slot in the hashing queue is taken BEFORE the attempt is reserved: a busy answer never costs an attempt.
  const hashing = { client: limits.ip, account: email };
  const ticket = admitPasswordWork({ ...hashing, trustedDevice: limits.trustedDevice });
  if (!ticket) throw new SignInBusy();
  const cost = env.AUTH_BCRYPT_COST;
  let valid: boolean;
  try {
    if (!(await reserveAttempt(db, limits.all)).ok) throw new TooManyAttempts();
    const hash = user?.passwordHash || (await dummyHash(cost, ticket));
    valid = await verifyPasswordAtCost(password, hash, cost, ticket); // never refused: the ticket holds its slot
  } finally {
    ticket.release();
  }
  if (!user || !user.passwordHash || !valid || !user.active) return null; // the reserved attempt stays counted

  await clearAttempts(db, limits.clearOnSuccess);
  await refundAttempt(db, limits.refundOnSuccess);
  if (env.AUTH_EMAIL_VERIFICATION === "required" && !user.emailVerified) throw new EmailNotVerified();
  await remember({ secret: env.AUTH_SECRET, authUrl: env.AUTH_URL }, user);
  if (bcryptCost(user.passwordHash) !== cost) {
    // The configured cost changed since this hash was made: upgrade it while we know the password (or at a
    // later sign-in, when the hashing queue is full now).
    const upgraded = await hashPassword(password, cost, hashing).catch((error) =>
      isPasswordPoolBusy(error) ? null : Promise.reject(error),
    );
    if (upgraded) await db.user.update({ where: { id: user.id }, data: { passwordHash: upgraded } });
  }
  // Before Auth.js writes the new Session row: whether the account has one yet is part of the rule.
  await noticeSignInFromNewBrowser(db, env, { user, request });
  return { id: user.id, email: user.email, name: user.name };
}
