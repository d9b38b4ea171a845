/**
 * Runs `work` on pushed items, at most `concurrency` at once and one at a time per key, oldest first. A push for a
 * key that is already waiting replaces that item in its place (one request, however often it was asked for); a
 * push that would make more than `limit` items waiting or running is refused and counted. `work` must not throw.
 */
export function keyedQueue<T>({
  concurrency,
  limit,
  work,
}: {
  concurrency: number;
  limit: number;
  work: (item: T, key: string) => Promise<void>;
}) {
  // A Map keeps insertion order, and setting a key it holds keeps that key's place: the queue and the folding.
  const waiting = new Map<string, T>();
  const running = new Set<string>();
  let dropped = 0;
  const idleWaiters: (() => void)[] = [];

  const size = () => waiting.size + running.size;

  // The oldest waiting key that is not running. It skips at most `concurrency` keys, so the scan stays short.
  function nextKey(): string | undefined {
    for (const key of waiting.keys()) if (!running.has(key)) return key;
  }

  function startNext(): void {
    while (running.size < concurrency) {
      const key = nextKey();
      if (key === undefined) break;
      const item = waiting.get(key)!;
      waiting.delete(key);
      running.add(key);
      void work(item, key).finally(() => {
        running.delete(key);
        startNext();
        if (size() === 0) for (const resolve of idleWaiters.splice(0)) resolve();
      });
    }
  }

  return {
    /** "merged" when the key was waiting already (its item is replaced), "dropped" when the queue is full. */
    push(key: string, item: T): "queued" | "merged" | "dropped" {
      if (waiting.has(key)) {
        waiting.set(key, item);
        return "merged";
      }
      if (size() >= limit) {
        dropped++;
        return "dropped";
      }
      waiting.set(key, item);
      startNext();
      return "queued";
    },
    /** Items waiting or running. */
    size,
    /** Pushes refused since the queue was made. */
    dropped: () => dropped,
    /** Resolves once nothing is waiting or running. */
    whenIdle: (): Promise<void> =>
      size() === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)),
  };
}
