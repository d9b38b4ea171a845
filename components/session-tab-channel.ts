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
