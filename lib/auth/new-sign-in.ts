import { clientIp } from "../client-ip";
import type { Db } from "../db";
import type { Env } from "../env";
import { noticeNewSignIn } from "../security-notices";
import { deviceTokenFromRequest, verifyDeviceToken } from "./device-cookie";

// "New sign-in to your account" goes out when a successful sign-in came from a browser that did not present this
// account's device cookie (lib/auth/device-cookie.ts): a browser the account was never used in, or one that
// cleared its cookies.
//
// Not for the account's first sign-in: right after registration no browser can hold a device cookie yet, and
// the notice would only teach people to ignore it. "First" is: the account is less than FIRST_SIGN_IN_HOURS old
// and has no Session row at all. Session rows go on sign-out and purge, so "no row" alone would also hold for an
// older account whose owner signed out everywhere; the age bound keeps the exception to new accounts.

/** The default lifetime of an address-confirmation link: the first sign-in of a new account comes within it. */
export const FIRST_SIGN_IN_HOURS = 24;
const USER_AGENT_MAX_LENGTH = 512;

type NewSignInEnv = Pick<Env, "AUTH_SECRET" | "AUTH_URL" | "AUTH_TRUSTED_PROXY_HOPS">;

async function isFirstSignIn(db: Db, userId: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - FIRST_SIGN_IN_HOURS * 60 * 60 * 1000);
  const [young, session] = await Promise.all([
    db.user.count({ where: { id: userId, createdAt: { gt: since } } }),
    db.session.findFirst({ where: { userId }, select: { id: true } }),
  ]);
  return young === 1 && !session;
}

/**
 * Called at the end of a successful credentials sign-in, before its Session row exists. Never throws: a notice
 * that cannot be sent must not turn a sign-in into an error.
 */
export async function noticeSignInFromNewBrowser(
  db: Db,
  env: NewSignInEnv,
  { user, request }: { user: { id: string; email: string; credentialEpoch: number }; request: Request | undefined },
): Promise<void> {
  try {
    const device = deviceTokenFromRequest(request, { authUrl: env.AUTH_URL });
    if (verifyDeviceToken(env.AUTH_SECRET, user, device)) return;
    const at = new Date();
    if (await isFirstSignIn(db, user.id, at)) return;
    const headers = request?.headers;
    noticeNewSignIn(
      { email: user.email },
      {
        at,
        userAgent: headers?.get("user-agent")?.slice(0, USER_AGENT_MAX_LENGTH) ?? null,
        ip: clientIp(headers?.get("x-forwarded-for"), env.AUTH_TRUSTED_PROXY_HOPS),
      },
    );
  } catch (error) {
    console.error(
      `[auth] new sign-in notice skipped: ${error instanceof Error ? error.message.split("\n")[0] : error}`,
    );
  }
}
