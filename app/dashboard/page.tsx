import { RoleBadge } from "@/components/role-badge";
import { Badge, Card, Field } from "@/components/ui";
import { requireUser } from "@/lib/dal";
import { getEnv } from "@/lib/env";
import { formatDateTime } from "@/lib/format-date";
import { UnverifiedEmailBanner } from "@/components/unverified-email-banner";

export const metadata = { title: "Dashboard · Auth Starter" };

export default async function DashboardPage() {
  const { user, expires } = await requireUser();
  const strategy = getEnv().AUTH_SESSION_STRATEGY;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight break-words">Welcome{user.name ? `, ${user.name}` : ""}</h1>
        <p className="text-sm text-muted-foreground">Everything below comes from your session&apos;s claims.</p>
      </div>
      <UnverifiedEmailBanner userId={user.id} />
      <Card title="Your session">
        <dl className="space-y-3">
          <Field label="Name" value={user.name ?? "—"} />
          <Field label="Email" value={user.email} />
          <Field label="Role" value={<RoleBadge role={user.role} />} />
          <Field
            label="Permissions"
            value={
              user.permissions.length ? (
                <span className="flex flex-wrap gap-1.5">
                  {user.permissions.map((p) => (
                    <Badge key={p} tone="indigo">
                      {p}
                    </Badge>
                  ))}
                </span>
              ) : (
                <span className="text-muted-foreground">none</span>
              )
            }
          />
          <Field label="Session strategy" value={<Badge>{strategy}</Badge>} />
          <Field label="Session expires" value={<time dateTime={expires}>{formatDateTime(expires)}</time>} />
        </dl>
      </Card>
    </div>
  );
}
