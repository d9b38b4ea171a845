import { afterEach, vi } from "vitest";

// The app reads the time through Date (session expiry, JWT rechecks, Auth.js's own exp checks), so a test moves
// Date forward instead of sleeping. Time keeps running from there; every test ends on the real clock.

afterEach(() => {
  vi.useRealTimers();
});

/** Moves Date `ms` forward at once. */
export function passTime(ms: number): void {
  const target = Date.now() + ms;
  if (vi.isFakeTimers()) vi.setSystemTime(target);
  else vi.useFakeTimers({ toFake: ["Date"], now: target, shouldAdvanceTime: true });
}
