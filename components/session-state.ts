import type { ClientSession } from "@/lib/client-session";

// The provider's state as a tiny external store (read with useSyncExternalStore), so the server's render, the
// provider's checks and other tabs can all update it from effects and callbacks.

export type SessionSnapshot = { session: ClientSession | null; expiredNotice: boolean };

export type SessionState = {
  get: () => SessionSnapshot;
  set: (change: Partial<SessionSnapshot>) => void;
  subscribe: (listener: () => void) => () => void;
};

export function createSessionState(initial: ClientSession | null): SessionState {
  let snapshot: SessionSnapshot = { session: initial, expiredNotice: false };
  const listeners = new Set<() => void>();
  return {
    get: () => snapshot,
    set(change) {
      snapshot = { ...snapshot, ...change };
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
