import Link from "next/link";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

/** AUTH_EMAIL_VERIFICATION=optional: a signed-in user whose address is not confirmed yet is reminded. */
export async function UnverifiedEmailBanner({ userId }: { userId: string }) {
  if (getEnv().AUTH_EMAIL_VERIFICATION !== "optional") return null;
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { emailVerified: true } });
  if (!user || user.emailVerified) return null;
  return (
    <p
      role="status"
      data-testid="unverified-email"
      className="rounded-lg border border-amber-200 dark:border-amber-500/30 bg-amber-50 dark:bg-amber-500/10 px-3 py-2 text-sm text-amber-800 dark:text-amber-300"
    >
      Your email address is not confirmed yet: open the link we sent you, or{" "}
      <Link href="/verify-email" className="font-medium underline">
        ask for a new one
      </Link>
      .
    </p>
  );
}
