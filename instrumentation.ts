// Runs once when the server starts (Node.js runtime only): validate the environment and the database schema
// before serving.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkDatabaseAtStartup, checkEnvironmentAtStartup } = await import("./lib/startup-check");
    checkEnvironmentAtStartup();
    await checkDatabaseAtStartup();
    // Starts listening for session changes (JWT on PostgreSQL) before the first request needs them.
    (await import("./lib/auth/strategy")).sessionStrategy();
  }
}
