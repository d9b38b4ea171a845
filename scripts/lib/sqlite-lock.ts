import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

// Prisma's schema engine takes SQLite's exclusive locking mode before it reads or applies migrations. Any other
// open connection (Prisma Studio, a running `next dev` / `next start`, a SQLite browser) keeps it from getting that
// lock, even when idle in WAL mode, and the engine fails after its busy timeout with a bare "SocketTimeout".

/**
 * Whether another connection keeps a SQLite file from being locked exclusively, tried the way the schema engine
 * does. A missing file is not held.
 */
export function sqliteFileIsHeld(file: string, waitMs = 500): boolean {
  if (!existsSync(file)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: waitMs });
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("ROLLBACK");
    return false;
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return true;
    throw error;
  } finally {
    db?.close(); // closing ends the exclusive locking mode
  }
}

/**
 * The processes (other than this one) that have a file or its -wal/-shm companions open, as "PID command line".
 * Linux only (reads /proc); elsewhere, or without permission to look, the list is empty.
 */
export function processesHolding(file: string): string[] {
  const targets = new Set([file, `${file}-wal`, `${file}-shm`, `${file}-journal`]);
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return [];
  }
  const holders: string[] = [];
  for (const pid of pids) {
    try {
      const fds = readdirSync(join("/proc", pid, "fd"));
      if (!fds.some((fd) => targets.has(safeReadlink(join("/proc", pid, "fd", fd))))) continue;
      const command = readFileSync(join("/proc", pid, "cmdline"), "utf8")
        .split("\0")
        .join(" ")
        .trim();
      holders.push(`${pid} ${command.length > 120 ? `${command.slice(0, 119)}…` : command}`);
    } catch {
      // The process ended or is not ours to inspect.
    }
  }
  return holders;
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}
