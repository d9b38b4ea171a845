import { EnvError, getEnv } from "./env";

/** Refuse to start with a bad environment, naming the variable, instead of failing on the first request. */
export function checkEnvironmentAtStartup(): void {
  try {
    const env = getEnv();
    console.log(`[auth] session strategy: ${env.AUTH_SESSION_STRATEGY}, database: ${env.databaseProvider}`);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`\n${error.message}\n\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
}
