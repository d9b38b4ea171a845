import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../harness/databases";
import { UNUSED_SMTP_URL } from "../../harness/mail-catcher";
import { UNUSED_AUTH_URL } from "../../harness/server";
import { TEST_SECRET } from "./test-env";

// Runs the project's CLI scripts exactly as `npm run …` does (node + tsx), in a child process whose stdin is a
// pipe, so the scripts see no terminal. Pass DATABASE_URL explicitly: variables set here win over .env.

const tsxCli = join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");

/**
 * The environment a script under test runs with. Every variable the scripts read is set, so the project's .env
 * (loaded without overriding) cannot change what they do.
 */
export function scriptEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: TEST_SECRET,
    // Production runs (seed, reset refusals) need these; no script sends mail or makes a link.
    SMTP_URL: UNUSED_SMTP_URL,
    AUTH_URL: UNUSED_AUTH_URL,
    AUTH_BCRYPT_COST: "4",
    AUTH_HASH_WORKERS: "1",
    // Empty means "not set" to the scripts, and keeps any value in .env from being used.
    USER_PASSWORD: "",
    SEED_ADMIN_EMAIL: "",
    SEED_ADMIN_PASSWORD: "",
    SEED_USER_EMAIL: "",
    SEED_USER_PASSWORD: "",
    ...extra,
  };
}

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** The command line (for `script`, which takes one string) that runs a project script. */
export function scriptCommand(script: string, args: string[] = []): string[] {
  return [process.execPath, tsxCli, join("scripts", script), ...args];
}

/**
 * Starts a project script; the caller owns the process. It leads its own process group, so a test that fails
 * half-way can still end everything it started with killProcessGroup().
 */
export function startScript(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const [command, ...rest] = scriptCommand(script, args);
  return spawn(command, rest, { cwd: projectRoot, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
}

/** Last-resort cleanup: SIGKILL to the process group of a child started by startScript (if still there). */
export function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

/** Runs a project script to completion, with an empty stdin. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = startScript(script, args, env);
  child.stdin?.end();
  return collect(child);
}

/** Collects a child's output until it exits. */
export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Resolves once the child's stdout contains `text` (rejects if it exits first). */
export function waitForOutput(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer | string) => {
      output += chunk.toString();
      if (!output.includes(text)) return;
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      resolve(output);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`exited with ${code} before printing "${text}":\n${output}`));
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}
