import type { DefaultSession } from "next-auth";
import type { SessionClaims } from "../lib/auth/claims";

// Claims carried by every session, in both strategies (lib/auth/claims.ts).
declare module "next-auth" {
  interface Session {
    user: SessionClaims & Omit<DefaultSession["user"], "id" | "email" | "name">;
  }
  interface User {
    role?: string;
    permissions?: string[];
  }
}

declare module "@auth/core/adapters" {
  interface AdapterUser {
    role?: string;
    permissions?: string[];
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: string;
    permissions?: string[];
    /** JWT mode: the id of the Session row that makes this token revocable. */
    sid?: string;
    /** Unix seconds of sign-in, for the absolute session lifetime. */
    authTime?: number;
    /** Unix seconds of the last database re-check of this token's claims (JWT strategy). */
    claimsCheckedAt?: number;
  }
}
