import type { Db } from "../../lib/db";
import { hashPassword } from "../../lib/password";

export async function createUser(
  db: Db,
  {
    email,
    password = "correct-horse-battery",
    role = "user",
    name = "Test User",
    cost = 4,
    verified = true,
  }: { email: string; password?: string; role?: string; name?: string; cost?: number; verified?: boolean },
) {
  return db.user.create({
    data: {
      email,
      name,
      roleName: role,
      passwordHash: await hashPassword(password, cost),
      emailVerified: verified ? new Date() : null,
    },
    select: { id: true, email: true },
  });
}
