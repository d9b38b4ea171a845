import { authorizeRequest, jsonResponse } from "@/lib/dal";
import { getDb } from "@/lib/db";
import { PERMISSIONS } from "@/lib/permissions";
import { listUsers } from "@/lib/users";

export const dynamic = "force-dynamic";

export async function GET() {
  const { denied } = await authorizeRequest(PERMISSIONS.usersRead);
  if (denied) return denied;
  const users = await listUsers(getDb());
  return jsonResponse({
    users: users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.roleName,
      active: u.active,
      createdAt: u.createdAt.toISOString(),
      sessions: u._count.sessions,
    })),
  });
}
