import { readFileSync, readdirSync } from "node:fs";

// Resident memory of a server process (and any children it forked), from /proc (Linux).

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function vmRssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return line ? Number(line.replace(/\D+/g, "")) : 0;
}

/** Every process forked by `pid`, recursively. */
export function descendantsOf(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]));
  return all.slice(1);
}

/** VmRSS in MiB of `pid` plus its descendants. */
export function residentMiB(pid: number): number {
  return [pid, ...descendantsOf(pid)].reduce((sum, p) => sum + vmRssKb(p), 0) / 1024;
}
