import { readFileSync, readdirSync } from "node:fs";
import { descendantsOf } from "../harness/process-memory";

// CPU time from /proc (Linux): of the server process (and any children it forked), and of every PostgreSQL
// server process on this machine. Requests per second on a 2-core machine depend on who else is running;
// CPU seconds per request do not, so the report can say where an authenticated request's extra cost goes.

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of one process in seconds (0 if it has gone). */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // fields 14 and 15 of stat
  } catch {
    return 0;
  }
}

function postgresPids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres";
      } catch {
        return false;
      }
    });
}

export type CpuReading = { server: number; database: number };

/** A function returning cumulative CPU seconds of the server (with descendants) and, optionally, of PostgreSQL. */
export function cpuMeter(serverPid: number, withPostgres: boolean): () => CpuReading {
  return () => ({
    server: [serverPid, ...descendantsOf(serverPid)].reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
    database: withPostgres ? postgresPids().reduce((sum, pid) => sum + cpuSecondsOf(pid), 0) : 0,
  });
}
