import { CredentialsSignin } from "next-auth";
import { clientIp } from "../client-ip";
import type { Db } from "../db";
import type { Env } from "../env";
import { bcryptCost, dummyHash, hashPassword, verifyPassword } from "../password";
import { credentialsSchema } from "../validation";
import { accountKey, clearFailures, ipKey, lockedForSeconds, recordFailure } from "./sign-in-throttle";

export type AuthorizedUser = { id: string; email: string; name: string | null };

/** Thrown while an account or IP is locked out; the login form shows a message that names neither. */
export class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}

type CredentialsEnv = Pick<
  Env,
  "AUTH_BCRYPT_COST" | "AUTH_SIGNIN_MAX_FAILURES" | "AUTH_SIGNIN_WINDOW_SECONDS" | "AUTH_SIGNIN_LOCKOUT_SECONDS" | "AUTH_TRUSTED_PROXY_HOPS"
>;

/**
 * Checks an email + password. Unknown emails, disabled users and wrong passwords all return null after
 * the same bcrypt work, so neither the answer nor its timing says whether the email exists. Failures are
 * counted per account and per IP; at the limit both are locked for a while, whether the email exists or not.
 */
export async function authorizeCredentials(db: Db, env: CredentialsEnv, input: unknown, request?: Request): Promise<AuthorizedUser | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const ip = clientIp(request?.headers.get("x-forwarded-for"), env.AUTH_TRUSTED_PROXY_HOPS);
  const keys = [accountKey(email), ...(ip ? [ipKey(ip)] : [])];

  if ((await lockedForSeconds(db, keys)) > 0) throw new TooManyAttempts();

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, active: true },
  });
  const cost = env.AUTH_BCRYPT_COST;
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyHash(cost)));
  if (!user || !user.passwordHash || !valid || !user.active) {
    await recordFailure(db, keys, {
      maxFailures: env.AUTH_SIGNIN_MAX_FAILURES,
      windowSeconds: env.AUTH_SIGNIN_WINDOW_SECONDS,
      lockoutSeconds: env.AUTH_SIGNIN_LOCKOUT_SECONDS,
    });
    return null;
  }

  await clearFailures(db, accountKey(email));
  if (bcryptCost(user.passwordHash) !== cost) {
    // The configured cost changed since this hash was made: upgrade it while we know the password.
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password, cost) } });
  }
  return { id: user.id, email: user.email, name: user.name };
}
