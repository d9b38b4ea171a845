import type { Db } from "./db";

// User listings for admins: explicit selects so hashes and tokens can never be included.
export async function listUsers(db: Db) {
  return db.user.findMany({
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      email: true,
      name: true,
      roleName: true,
      active: true,
      createdAt: true,
      _count: { select: { sessions: true } },
    },
  });
}
