import type { Session } from "next-auth";
import type { SessionClaims } from "./auth/claims";

// What the browser's session provider holds: the claims for display, never a token or an id of the session.
export type ClientSession = { user: SessionClaims; expires: string };

/** Copies exactly the fields the client may see (a Session object can carry more). */
export function toClientSession(session: Session | null): ClientSession | null {
  if (!session) return null;
  const { id, email, name, role, permissions } = session.user;
  return { user: { id, email, name, role, permissions: [...permissions] }, expires: session.expires };
}
