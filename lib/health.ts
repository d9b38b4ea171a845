import { getDb } from "./db";

const TIMEOUT_MS = 2_000;

/** Whether the database answers a trivial query within a couple of seconds. */
export async function checkDatabase(): Promise<{ ok: true } | { ok: false; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    });
    await Promise.race([getDb().$queryRawUnsafe("SELECT 1"), timeout]);
    return { ok: true };
  } catch (error) {
    // The message names the failure class only: no connection strings or SQL in a public response.
    const reason = error instanceof Error && /within/.test(error.message) ? error.message : "database unreachable";
    return { ok: false, error: reason };
  } finally {
    clearTimeout(timer);
  }
}
