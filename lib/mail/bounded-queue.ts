/**
 * Runs `work` on pushed items one at a time. At most `limit` items are waiting or running; a push beyond that is
 * refused (returns false), so a stuck consumer costs bounded memory. `work` must not throw.
 */
export function boundedQueue<T>(limit: number, work: (item: T) => Promise<void>) {
  const waiting: T[] = [];
  let running = false;
  let idle = Promise.resolve();
  let markIdle = () => {};

  async function drain() {
    running = true;
    while (waiting.length) await work(waiting.shift()!);
    running = false;
    markIdle();
  }

  return {
    push(item: T): boolean {
      if (waiting.length + (running ? 1 : 0) >= limit) return false;
      waiting.push(item);
      if (!running) {
        idle = new Promise<void>((resolve) => (markIdle = resolve));
        void drain();
      }
      return true;
    },
    /** Items waiting or running. */
    size: () => waiting.length + (running ? 1 : 0),
    /** Resolves once nothing is waiting or running. */
    whenIdle: () => idle,
  };
}
