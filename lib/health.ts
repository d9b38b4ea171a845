import { getDb } from "./db";
import { withTimeout } from "./with-timeout";

const TIMEOUT_MS = 2_000;

/** Whether the database answers a trivial query within a couple of seconds. */
export async function checkDatabase(): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await withTimeout(getDb().$queryRawUnsafe("SELECT 1"), TIMEOUT_MS);
    return { ok: true };
  } catch (error) {
    // The message names the failure class only: no connection strings or SQL in a public response.
    const reason = error instanceof Error && /within/.test(error.message) ? error.message : "database unreachable";
    return { ok: false, error: reason };
  }
}
