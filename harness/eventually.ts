import { setTimeout as sleep } from "node:timers/promises";

/** Reads until `done` says yes or `timeoutMs` has passed, and returns the last value read. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 1_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await sleep(25);
  }
}
