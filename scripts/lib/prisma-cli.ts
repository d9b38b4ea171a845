import { spawn, spawnSync } from "node:child_process";
import { constants as osConstants } from "node:os";
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

/** Runs the Prisma CLI with its output captured (for commands whose failure the caller explains itself). */
export function runPrismaCaptured(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  root = projectRoot,
): { status: number | null; stdout: string; stderr: string } {
  const bin = join(root, "node_modules", "prisma", "build", "index.js");
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, encoding: "utf8" });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
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

/**
 * Runs a long-lived Prisma CLI command (e.g. `studio`) and resolves with its exit code. Termination signals
 * sent to this script are passed on, so stopping the script by its PID also stops Prisma.
 */
export function runPrismaUntilExit(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const bin = join(projectRoot, "node_modules", "prisma", "build", "index.js");
  const child = spawn(process.execPath, [bin, ...args], { cwd: projectRoot, env, stdio: "inherit" });
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1));
    });
  });
}
