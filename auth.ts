import NextAuth from "next-auth";
import { createAuthConfig } from "@/lib/auth/config";

// Auth.js entry point: sign-in/out and the /api/auth/* handlers. Pages and APIs authorize through lib/dal.ts.
export const { handlers, auth, signIn, signOut } = NextAuth(createAuthConfig());
