import Link from "next/link";
import { redirect } from "next/navigation";
import { Card, Notice } from "@/components/ui";
import { verifySession } from "@/lib/dal";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { signInErrorMessage } from "@/lib/sign-in-messages";
import { DemoUsers } from "./demo-users";
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
        <Notice tone="warning" role="alert">
          {signInErrorMessage(String(error), typeof code === "string" ? code : undefined)}
        </Notice>
      ) : null}
      <Card>
        <LoginForm callbackUrl={target} />
      </Card>
      <p className="flex flex-wrap justify-between gap-2 text-sm">
        <Link href="/forgot-password" className="font-medium text-primary hover:underline">
          Forgot your password?
        </Link>
        <Link href="/verify-email" className="font-medium text-primary hover:underline">
          New confirmation link
        </Link>
      </p>
      <p className="text-center text-sm text-muted-foreground">
        No account yet?{" "}
        <Link
          href={`/register?callbackUrl=${encodeURIComponent(target)}`}
          className="font-medium text-primary hover:underline"
        >
          Create one
        </Link>
      </p>
      <DemoUsers />
    </div>
  );
}
