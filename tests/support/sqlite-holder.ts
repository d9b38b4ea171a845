import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../harness/databases";
import { waitForOutput } from "./cli";

// Another process holding a SQLite file open the way Prisma Studio or a running app does: WAL mode, with a read
// transaction open. Prisma's schema engine cannot get the exclusive lock it wants while this runs.

const HOLDER_SOURCE = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
db.pragma("journal_mode = WAL");
db.exec("BEGIN");
db.prepare("SELECT count(*) FROM sqlite_master").get();
console.log("holding");
setInterval(() => {}, 60_000);
`;

export type SqliteHolder = { pid: number; release: () => Promise<void> };

export async function holdSqliteFile(file: string): Promise<SqliteHolder> {
  const betterSqlite = join(projectRoot, "node_modules", "better-sqlite3");
  const child: ChildProcess = spawn(process.execPath, ["-e", HOLDER_SOURCE, betterSqlite, file], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await waitForOutput(child, "holding");
  return {
    pid: child.pid!,
    release: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
