// Messages between the tabs of this origin about the session: BroadcastChannel, or localStorage events where
// BroadcastChannel is missing. Messages carry no claims, only a prompt to re-check with the server.

const CHANNEL = "auth-session";
const STORAGE_KEY = "auth-session-event";
// "signing-out" is sent before a sign-out request, so other tabs that notice the session gone before
// "signed-out" arrives still know it was a sign-out and not an expiry.
const MESSAGE_TYPES = ["signed-in", "signing-out", "signed-out", "expired"] as const;

export type TabMessage = { type: (typeof MESSAGE_TYPES)[number] };

function isTabMessage(value: unknown): value is TabMessage {
  return (
    typeof value === "object" &&
    value !== null &&
    (MESSAGE_TYPES as readonly unknown[]).includes((value as TabMessage).type)
  );
}

export type TabChannel = { post: (message: TabMessage) => void; close: () => void };

export function connectTabs(onMessage: (message: TabMessage) => void): TabChannel {
  if (typeof BroadcastChannel !== "undefined") {
    const channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = (event) => {
      if (isTabMessage(event.data)) onMessage(event.data);
    };
    return { post: (message) => channel.postMessage(message), close: () => channel.close() };
  }
  const listener = (event: StorageEvent) => {
    if (event.key !== STORAGE_KEY || !event.newValue) return;
    try {
      const message: unknown = JSON.parse(event.newValue);
      if (isTabMessage(message)) onMessage(message);
    } catch {
      // not ours
    }
  };
  window.addEventListener("storage", listener);
  return {
    // The timestamp makes every post a change (writing an equal value fires no storage event).
    post: (message) => localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...message, at: Date.now() })),
    close: () => window.removeEventListener("storage", listener),
  };
}

// A tab that was still loading when another signed out missed the messages: the time of the last sign-out is
// also kept, so it can tell that sign-out from an expired session when it first notices the session gone.
const SIGNED_OUT_AT_KEY = "auth-session-signed-out-at";

export function noteSignOut(): void {
  try {
    localStorage.setItem(SIGNED_OUT_AT_KEY, String(Date.now()));
  } catch {
    // storage disabled: the messages above still reach the tabs that are open
  }
}

/** When a tab of this origin last began signing out while this page was open (ms), or 0. */
export function lastSignOutAt(): number {
  try {
    const at = Number(localStorage.getItem(SIGNED_OUT_AT_KEY)) || 0;
    // A sign-out from before this page loaded is not the one that ended the session this page was given.
    return at >= performance.timeOrigin ? at : 0;
  } catch {
    return 0;
  }
}
