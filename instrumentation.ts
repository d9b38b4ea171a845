// Runs once when the server starts: refuse to start with a bad environment, naming the variable.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv, EnvError } = await import("./lib/env");
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
