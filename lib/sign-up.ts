import "server-only";
import type { AddressLimit } from "./address-limits";
import type { Db } from "./db";
import { sendVerificationLink } from "./email-verification";
import type { Env } from "./env";
import { COULD_NOT_SEND_MESSAGE } from "./link-mail";
import { registerUser } from "./registration";

// Registration as the app offers it (the form and POST /api/register): the account, then the confirmation link
// that AUTH_EMAIL_VERIFICATION asks for.

type SignUpEnv = Pick<
  Env,
  | "AUTH_BCRYPT_COST"
  | "AUTH_EMAIL_VERIFICATION"
  | "AUTH_EMAIL_LINK_MINUTES"
  | "AUTH_EMAIL_SEND_MAX"
  | "AUTH_EMAIL_ADDRESS_SEND_MAX"
>;

type SignUpResult =
  | Exclude<Awaited<ReturnType<typeof registerUser>>, { status: "created" }>
  | { status: "error"; reason: "mail_unavailable"; message: string; fieldErrors?: undefined }
  /** `mustConfirm`: the account signs in only once its address is confirmed (the link is on its way). */
  | { status: "created"; userId: string; email: string; mustConfirm: boolean; linkSent: boolean };

/** `origin`: where links point (lib/link-origin.ts); null when no trustworthy one is known. */
export async function signUp(
  db: Db,
  env: SignUpEnv,
  input: unknown,
  { addressLimit, origin }: { addressLimit: AddressLimit | null; origin: string | null },
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
  const result = await registerUser(db, input, env.AUTH_BCRYPT_COST, addressLimit);
  if (result.status !== "created") return result;
  const user = { id: result.userId, email: result.email };
  const linkSent = mode !== "off" && !!origin && (await sendVerificationLink(db, env, { user, origin }));
  if (mode === "required" && !linkSent) {
    // Without the link the account could never sign in: take it back, so trying again later starts afresh.
    await db.user.delete({ where: { id: user.id } });
    return {
      status: "error",
      reason: "mail_unavailable",
      message: `${COULD_NOT_SEND_MESSAGE} Your account was not created.`,
    };
  }
  return { status: "created", userId: user.id, email: user.email, mustConfirm: mode === "required", linkSent };
}
