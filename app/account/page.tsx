import Link from "next/link";
import { RoleBadge } from "@/components/role-badge";
import { Card, Field } from "@/components/ui";
import { requireUser } from "@/lib/dal";
import { ChangeEmailForm } from "./change-email-form";
import { ChangePasswordForm } from "./change-password-form";

export const metadata = { title: "Account · Auth Starter" };

export default async function AccountPage() {
  const { user } = await requireUser();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-bold tracking-tight">Your account</h1>
        <Link href="/account/sessions" className="text-sm font-medium text-primary hover:underline">
          Manage your sessions →
        </Link>
      </div>
      <Card title="Profile">
        <dl className="space-y-3">
          <Field label="Name" value={user.name ?? "—"} />
          <Field label="Email" value={user.email} />
          <Field label="Role" value={<RoleBadge role={user.role} />} />
        </dl>
      </Card>
      <Card title="Change password">
        <ChangePasswordForm />
      </Card>
      <Card title="Change email">
        <ChangeEmailForm />
      </Card>
    </div>
  );
}
