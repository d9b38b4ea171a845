import type { Session } from "next-auth";
import type { Db } from "../db";

// The claims every session carries, in both strategies. Built field by field so that nothing else
// (password hash, session token, other columns) can leak into a session object.
export type SessionClaims = {
  id: string;
  email: string;
  name: string | null;
  role: string;
  permissions: string[];
};

export const claimsSelect = {
  id: true,
  email: true,
  name: true,
  active: true,
  roleName: true,
  role: { select: { permissions: { select: { permissionName: true }, orderBy: { permissionName: "asc" } } } },
} as const;

type ClaimsRow = {
  id: string;
  email: string;
  name: string | null;
  roleName: string;
  role: { permissions: { permissionName: string }[] };
};

export function claimsFromRow(row: ClaimsRow): SessionClaims {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.roleName,
    permissions: row.role.permissions.map((p) => p.permissionName),
  };
}

/** Current claims of an active user, or null when the user is gone or disabled. */
export async function loadClaims(db: Db, userId: string): Promise<SessionClaims | null> {
  const row = await db.user.findUnique({ where: { id: userId }, select: claimsSelect });
  return row && row.active ? claimsFromRow(row) : null;
}

/** The session object the app sees: a new object with exactly the claims, never a token, hash or other column. */
export function toSession(claims: SessionClaims, expires: Date | string): Session {
  return {
    expires: typeof expires === "string" ? expires : expires.toISOString(),
    user: {
      id: claims.id,
      email: claims.email,
      name: claims.name,
      role: claims.role,
      permissions: [...claims.permissions],
    },
  };
}
