import type { NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb, type Db } from "../db";
import { getEnv, type Env } from "../env";
import { sameOriginRedirect } from "../safe-redirect";
import { authorizeCredentials } from "./credentials";
import { sessionCookieConfig } from "./session-cookie";
import { createSessionStrategy, sessionStrategy, type SessionStrategy } from "./strategy";

/** The whole Auth.js configuration for an environment and a database (tests build their own). */
export function buildAuthConfig(env: Env, db: Db, strategy: SessionStrategy = createSessionStrategy(env, db)) {
  const { callbacks, ...sessionHandling } = strategy.authConfig;
  return {
    secret: env.AUTH_SECRET,
    ...sessionHandling,
    callbacks: { ...callbacks, redirect: sameOriginRedirect },
    cookies: sessionCookieConfig(env.AUTH_URL),
    pages: { signIn: "/login", error: "/login" },
    logger: {
      // A wrong password is an expected outcome, not a server error worth a stack trace in the logs.
      // Auth.js errors are told apart by `type`: class names are minified in production builds.
      error(error) {
        const type = "type" in error && typeof error.type === "string" ? error.type : error.name;
        if (type === "CredentialsSignin") return;
        // One line per event: a bad cookie (JWTSessionError) is routine noise from the internet, not a crash.
        const cause = error.cause instanceof Error ? error.cause : (error.cause as { err?: unknown } | undefined)?.err;
        const detail = cause instanceof Error ? ` (${cause.message})` : "";
        console.error(`[auth][error] ${type}: ${error.message.split("\n")[0]}${detail}`);
      },
    },
    providers: [
      Credentials({
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: (credentials, request) => authorizeCredentials(db, env, credentials, request),
      }),
    ],
  } satisfies NextAuthConfig;
}

/** The app's configuration, from the validated process environment. */
export function createAuthConfig() {
  return buildAuthConfig(getEnv(), getDb(), sessionStrategy());
}
