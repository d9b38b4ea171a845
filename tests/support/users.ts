import type { Db } from "../../lib/db";
import bcrypt from "bcryptjs";

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
      // Straight bcrypt: a fixture is not a request, and must not compete for the app's hashing queue.
      passwordHash: await bcrypt.hash(password, cost),
      emailVerified: verified ? new Date() : null,
    },
    select: { id: true, email: true },
  });
}
