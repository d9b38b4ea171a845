import { spawnSync } from "node:child_process";
import { cpus, loadavg, release, totalmem } from "node:os";

// What the numbers were measured on; shared machines are noisy, so the load average is recorded too.
export type MachineInfo = {
  cpuCount: number;
  cpuModel: string;
  node: string;
  os: string;
  memoryGiB: number;
  loadAverage: number[];
};

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuCount: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    node: process.version,
    os: `${process.platform} ${release()}`,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/** The commit the measured build came from, marked when the working tree had changes; null outside git. */
export function sourceVersion(cwd: string): string | null {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd, encoding: "utf8" });
  if (head.status !== 0) return null;
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], {
    cwd,
    encoding: "utf8",
  }).stdout.trim();
  return `${head.stdout.trim()}${dirty ? " + uncommitted changes" : ""}`;
}
