import Link from "next/link";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui";
import { verifySession } from "@/lib/dal";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { RegisterForm } from "./register-form";

export const metadata = { title: "Create account · Auth Starter" };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const target = safeCallbackPath((await searchParams).callbackUrl);
  if (await verifySession()) redirect(target);
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Create an account</h1>
      <Card>
        <RegisterForm callbackUrl={target} />
      </Card>
      <p className="text-center text-sm text-muted-foreground">
        Already registered?{" "}
        <Link href="/login" className="font-medium text-primary hover:underline">
          Sign in
        </Link>
      </p>
    </div>
  );
}
