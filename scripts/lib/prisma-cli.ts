import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "./env-file";

/** Runs the Prisma CLI from this project (it reads prisma.config.ts, so the provider follows DATABASE_URL). */
export function runPrisma(args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const bin = join(projectRoot, "node_modules", "prisma", "build", "index.js");
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: projectRoot, env, stdio: "inherit" });
  if (result.status !== 0) {
    throw new ScriptError(`prisma ${args.join(" ")} failed (exit code ${result.status ?? result.signal}).`);
  }
}

/** An error whose message is meant for the person running the script (printed without a stack). */
export class ScriptError extends Error {}

/** Runs a script's main function, printing clear errors and setting the exit code. */
export async function runScript(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ScriptError || (error as Error)?.name === "EnvError") {
      console.error(`Error: ${(error as Error).message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}
