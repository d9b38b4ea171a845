import { readdirSync, readFileSync, readlinkSync } from "node:fs";

// Memory of a server process a test or benchmark started, read from Linux's /proc.

/** The process's resident set size (VmRSS), in bytes. */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) * 1024;
}

/** The process and all its descendants, parents first. */
export function processTree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number),
  );
  return [pid, ...children.flatMap(processTree)];
}

/** Inodes of the sockets listening on a TCP port (IPv4 and IPv6). */
function listeningSocketInodes(port: number): Set<string> {
  const localPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const listening = fields[3] === "0A";
      if (fields.length > 9 && listening && fields[1].endsWith(localPort)) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * Of `pid` and its descendants, the process that holds the socket listening on `port`: the one actually serving
 * (a launcher such as `next start` may hand the work to a child).
 */
export function servingProcess(pid: number, port: number): number {
  const inodes = listeningSocketInodes(port);
  for (const candidate of processTree(pid)) {
    for (const fd of readdirSync(`/proc/${candidate}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${candidate}/fd/${fd}`);
      } catch {
        continue; // closed while we looked
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return candidate;
    }
  }
  throw new Error(`no process under ${pid} listens on port ${port}`);
}

/** Every process forked by `pid`, recursively (gone ones are skipped). */
export function descendantsOf(pid: number): number[] {
  try {
    return processTree(pid).slice(1);
  } catch {
    return [];
  }
}

/** Resident memory in MiB of `pid` plus its descendants. */
export function residentMiB(pid: number): number {
  let bytes = 0;
  for (const p of [pid, ...descendantsOf(pid)]) {
    try {
      bytes += residentBytes(p);
    } catch {
      // exited while we looked
    }
  }
  return bytes / (1024 * 1024);
}
