import { spawn } from "node:child_process";
import { cpSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { projectRoot, tmpDir } from "../../harness/databases";
import { collect, type CliResult } from "./cli";

// A throwaway copy of the project (scripts, lib, prisma, config; node_modules linked) for scripts that write to
// prisma/ or need migrations the real project does not have. The copy's scripts resolve their project root to
// the copy, so nothing in the real prisma/ folder is touched.

const COPIED = ["package.json", "prisma.config.ts", "tsconfig.json", ".env.example", "lib", "prisma", "scripts"];
const tsxCli = join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");

export type ProjectCopy = {
  root: string;
  /** Runs scripts/<script> of the copy to completion, with an empty stdin. */
  run: (script: string, args: string[], env: NodeJS.ProcessEnv) => Promise<CliResult>;
  /** Runs the Prisma CLI in the copy (it reads the copy's prisma.config.ts). */
  prisma: (args: string[], env: NodeJS.ProcessEnv) => Promise<CliResult>;
  remove: () => void;
};

export function copyProject(): ProjectCopy {
  const root = join(tmpDir, `project-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(root, { recursive: true });
  for (const entry of COPIED) {
    cpSync(join(projectRoot, entry), join(root, entry), {
      recursive: true,
      filter: (source) => !/\.db(-journal|-wal|-shm)?$/.test(source), // no local databases
    });
  }
  symlinkSync(join(projectRoot, "node_modules"), join(root, "node_modules"), "dir");
  const start = (command: string[], env: NodeJS.ProcessEnv) => {
    const child = spawn(process.execPath, command, { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end();
    return collect(child);
  };
  return {
    root,
    run: (script, args, env) => start([tsxCli, join("scripts", script), ...args], env),
    prisma: (args, env) => start([join(root, "node_modules", "prisma", "build", "index.js"), ...args], env),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
