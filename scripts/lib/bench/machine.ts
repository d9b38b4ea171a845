import { cpus, loadavg, release, totalmem } from "node:os";

// What the numbers were measured on; shared machines are noisy, so the load average is recorded too.
export type MachineInfo = { cpuCount: number; cpuModel: string; node: string; os: string; memoryGiB: number; loadAverage: number[] };

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
