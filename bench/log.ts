// Progress lines on stderr, stamped with seconds since the benchmark started (stdout carries the results).
const started = performance.now();

export function log(message: string): void {
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
}

export function elapsedSeconds(): number {
  return (performance.now() - started) / 1000;
}
