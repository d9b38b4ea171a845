import Link from "next/link";
import { Card } from "@/components/ui";
import { FormMessage } from "@/components/form-controls";
import { getDb } from "@/lib/db";
import { checkResetLink } from "@/lib/password-reset";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata = { title: "Choose a new password · Auth Starter" };

// Opening the link changes nothing (mail scanners open links too): the form below uses it.
export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: unknown; undone?: unknown }>;
}) {
  const { token, undone } = await searchParams;
  const link = await checkResetLink(getDb(), token);
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Choose a new password</h1>
      <Card>
        {link.ok ? (
          <div className="flex flex-col gap-4">
            {undone === "1" && (
              <FormMessage
                tone="success"
                message="The change was undone: your account has this address again and everyone was signed out. Choose a new password to sign in."
              />
            )}
            <ResetPasswordForm token={token as string} />
          </div>
        ) : (
          <div className="flex flex-col gap-4">
            <FormMessage message={link.message} />
            <Link href="/forgot-password" className="font-medium text-primary hover:underline">
              Ask for a new link
            </Link>
          </div>
        )}
      </Card>
    </div>
  );
}
