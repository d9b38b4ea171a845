// Runs once when the server starts (Node.js runtime only): validate the environment before serving.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkEnvironmentAtStartup } = await import("./lib/startup-check");
    checkEnvironmentAtStartup();
  }
}
