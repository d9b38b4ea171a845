import Link from "next/link";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui";
import { verifySession } from "@/lib/dal";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { signInErrorMessage } from "@/lib/sign-in-messages";
import { LoginForm } from "./login-form";

export const metadata = { title: "Sign in · Auth Starter" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string; code?: string }>;
}) {
  const { callbackUrl, error, code } = await searchParams;
  const target = safeCallbackPath(callbackUrl);
  if (await verifySession()) redirect(target);
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
      {error ? (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {signInErrorMessage(String(error), typeof code === "string" ? code : undefined)}
        </p>
      ) : null}
      <Card>
        <LoginForm callbackUrl={target} />
      </Card>
      <p className="flex justify-between text-sm">
        <Link href="/forgot-password" className="font-medium text-indigo-600 hover:underline">
          Forgot your password?
        </Link>
        <Link href="/verify-email" className="font-medium text-indigo-600 hover:underline">
          New confirmation link
        </Link>
      </p>
      <p className="text-center text-sm text-slate-600">
        No account yet?{" "}
        <Link
          href={`/register?callbackUrl=${encodeURIComponent(target)}`}
          className="font-medium text-indigo-600 hover:underline"
        >
          Create one
        </Link>
      </p>
    </div>
  );
}
