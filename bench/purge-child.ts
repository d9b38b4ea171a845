import { createDb } from "../lib/db";
import { parseEnv } from "../lib/env";
import { purgeExpiredSessions } from "../lib/auth/session-admin";

// Runs the operator's purge (lib/auth/session-admin.ts) in its own process, as a cron job would next to the app,
// and prints one JSON line with its timing. Started by bench/purge.ts.

async function main() {
  const db = createDb(parseEnv({ DATABASE_URL: process.env.DATABASE_URL }));
  try {
    await db.user.count(); // open the connection before the clock starts
    const batchMs: number[] = [];
    const startedAt = Date.now();
    let last = performance.now();
    const result = await purgeExpiredSessions(db, {
      batchSize: Number(process.env.BENCH_PURGE_BATCH_SIZE),
      pauseMs: Number(process.env.BENCH_PURGE_PAUSE_MS),
      onBatch: () => {
        const now = performance.now();
        batchMs.push(now - last);
        last = now;
      },
    });
    const finishedAt = Date.now();
    process.stdout.write(`${JSON.stringify({ startedAt, finishedAt, result, batchMs })}\n`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
