import type { NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "../db";
import { getEnv } from "../env";
import { authorizeCredentials } from "./credentials";
import { sessionStrategyConfig } from "./session-strategy";

/** The whole Auth.js configuration, built from the validated environment at server start. */
export function createAuthConfig() {
  const env = getEnv();
  const db = getDb();
  const strategy = sessionStrategyConfig(env, db);

  return {
    secret: env.AUTH_SECRET,
    adapter: strategy.adapter,
    session: strategy.session,
    jwt: strategy.jwt,
    callbacks: strategy.callbacks,
    pages: { signIn: "/login", error: "/login" },
    providers: [
      Credentials({
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: (credentials) => authorizeCredentials(db, credentials, env.AUTH_BCRYPT_COST),
      }),
    ],
  } satisfies NextAuthConfig;
}
