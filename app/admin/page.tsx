import { Badge, Card } from "@/components/ui";
import { requirePermission } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { PERMISSIONS } from "@/lib/permissions";
import { listUsers } from "@/lib/users";

export const metadata = { title: "Admin · Auth Starter" };

export default async function AdminPage() {
  await requirePermission(PERMISSIONS.usersRead);
  const users = await listUsers(getDb());
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Users</h1>
      <Card>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="users-table">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="py-2 pr-4 font-medium">Email</th>
                <th className="py-2 pr-4 font-medium">Name</th>
                <th className="py-2 pr-4 font-medium">Role</th>
                <th className="py-2 pr-4 font-medium">Status</th>
                <th className="py-2 pr-4 font-medium">Created</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.map((u) => (
                <tr key={u.id}>
                  <td className="py-2 pr-4 font-medium">{u.email}</td>
                  <td className="py-2 pr-4">{u.name ?? "—"}</td>
                  <td className="py-2 pr-4"><Badge tone={u.roleName === "admin" ? "amber" : "slate"}>{u.roleName}</Badge></td>
                  <td className="py-2 pr-4">{u.active ? <Badge tone="emerald">active</Badge> : <Badge tone="rose">disabled</Badge>}</td>
                  <td className="py-2 pr-4 text-slate-500">{u.createdAt.toISOString().slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
