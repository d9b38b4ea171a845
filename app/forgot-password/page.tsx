import Link from "next/link";
import { forgotPasswordAction } from "@/app/actions/email-links";
import { EmailLinkRequestForm } from "@/components/email-link-request-form";
import { Card } from "@/components/ui";

export const metadata = { title: "Forgot password · Auth Starter" };

export default function ForgotPasswordPage() {
  return (
    <div className="mx-auto max-w-md space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Forgot your password?</h1>
      <p className="text-sm text-muted-foreground">
        Enter the email address of your account and we will send you a link.
      </p>
      <Card>
        <EmailLinkRequestForm action={forgotPasswordAction} submit="Send the link" pending="Sending…" />
      </Card>
      <p className="text-center text-sm text-muted-foreground">
        <Link href="/login" className="font-medium text-primary hover:underline">
          Back to sign in
        </Link>
      </p>
    </div>
  );
}
