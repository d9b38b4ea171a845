"use client";

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from "react";
import { usePathname, useRouter } from "next/navigation";
import type { ClientSession } from "@/lib/client-session";
import { loginUrl } from "@/lib/login-url";
import { createSessionState } from "./session-state";
import { connectTabs, lastSignOutAt, noteSignOut, type TabChannel, type TabMessage } from "./session-tab-channel";

// The session as the browser sees it, for display only: pages, actions and APIs still authorize through the DAL.
//
// Seeded by the root layout with the server-rendered claims, so navigating costs no extra request. It asks
// GET /api/session (which never extends the session) when it matters: on an interval while signed in and the tab
// is visible, when the tab regains focus, just after the session's own expiry, on arriving at /login while still
// shown as signed in, and when another tab reports a sign-in or sign-out.
//
// A session that ends without this tab signing out (expired, revoked) shows "Your session has expired — please
// sign in again" and sends the user to /login?callbackUrl=<this page>. A sign-out in another tab re-renders this
// one instead (protected pages then redirect to /login through the DAL).

const SESSION_EXPIRED_MESSAGE = "Your session has expired — please sign in again.";

type SessionContextValue = {
  session: ClientSession | null;
  status: "authenticated" | "unauthenticated";
  /** Re-checks the session with the server now. */
  refresh: () => Promise<void>;
  /** Call before this tab signs out, so its own sign-out is not reported as an expired session. */
  markSigningOut: () => void;
};

const SessionContext = createContext<SessionContextValue | null>(null);

/** What told this tab about the session: the server's render or its own check. */
type Origin = "server" | "check";

/**
 * A session found gone this soon after a sign-out (in this tab or announced by another) was signed out, not
 * expired. A window rather than a one-time flag: the loss can be seen more than once (the server's render, a check,
 * a render that briefly showed the old session), and none of them is an expiry.
 */
const SIGN_OUT_WINDOW_MS = 30_000;

function loginUrlForHere(): string {
  return loginUrl(window.location.pathname + window.location.search);
}

export function SessionProvider({
  initialSession,
  refreshIntervalSeconds,
  children,
}: {
  initialSession: ClientSession | null;
  /** 0 turns the interval off (focus, expiry and tab events still check). */
  refreshIntervalSeconds: number;
  children: ReactNode;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [state] = useState(() => createSessionState(initialSession));
  const { session, expiredNotice } = useSyncExternalStore(state.subscribe, state.get, state.get);
  const signedOutHereAt = useRef(0);
  const tabMessage = useRef<TabMessage | null>(null); // set while a check prompted by another tab runs
  const otherTabSignOutAt = useRef(0);
  const serverRenders = useRef(0); // a check that started before the server rendered a newer session is stale
  const tabs = useRef<TabChannel | null>(null);
  const checking = useRef<Promise<void> | null>(null);

  const apply = useCallback(
    (next: ClientSession | null, origin: Origin, broadcast: boolean) => {
      const before = state.get().session?.user.id ?? null;
      const after = next?.user.id ?? null;
      state.set({ session: next });
      if (before === after) return;

      if (after) {
        state.set({ expiredNotice: false });
        if (broadcast) tabs.current?.post({ type: "signed-in" });
        if (origin !== "server") router.refresh(); // signed in in another tab: re-render the server parts
        return;
      }
      if (Date.now() - signedOutHereAt.current < SIGN_OUT_WINDOW_MS) {
        if (broadcast) tabs.current?.post({ type: "signed-out" });
        return;
      }
      if (Date.now() - Math.max(otherTabSignOutAt.current, lastSignOutAt()) < SIGN_OUT_WINDOW_MS) {
        router.refresh(); // signed out in another tab: protected pages redirect to /login through the DAL
        return;
      }
      // Expired or revoked while this page was open.
      state.set({ expiredNotice: true });
      if (broadcast) tabs.current?.post({ type: "expired" });
      if (window.location.pathname !== "/login") router.push(loginUrlForHere());
    },
    [router, state],
  );

  const refresh = useCallback(() => {
    // One check at a time; triggers arriving meanwhile share it.
    checking.current ??= (async () => {
      const startedAt = serverRenders.current;
      try {
        const response = await fetch("/api/session", { cache: "no-store", credentials: "same-origin" });
        if (!response.ok) return; // 503 during an outage: not a reason to sign anyone out
        const body = (await response.json()) as { session: ClientSession | null };
        if (startedAt !== serverRenders.current) return;
        // A check another tab asked for is not announced back to the tabs.
        apply(body.session, "check", tabMessage.current === null);
      } catch {
        // offline: the next trigger tries again
      } finally {
        tabMessage.current = null;
        checking.current = null;
      }
    })();
    return checking.current;
  }, [apply]);

  // The server rendered a (possibly different) session: after sign-in, sign-out, or any full re-render.
  // A layout effect, so the header shows it in the same frame as the new page.
  const initialKey = JSON.stringify(initialSession);
  useLayoutEffect(() => {
    serverRenders.current++;
    apply(JSON.parse(initialKey) as ClientSession | null, "server", true);
  }, [initialKey, apply]);

  useEffect(() => {
    tabs.current = connectTabs((message) => {
      if (message.type === "signing-out" || message.type === "signed-out") otherTabSignOutAt.current = Date.now();
      if (message.type === "signing-out") return; // the cookie is only cleared once "signed-out" follows
      tabMessage.current = message;
      void refresh();
    });
    return () => tabs.current?.close();
  }, [refresh]);

  const signedIn = session !== null;
  useEffect(() => {
    if (!signedIn) return;
    const onFocus = () => void refresh();
    const onVisible = () => {
      if (document.visibilityState === "visible") void refresh();
    };
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onVisible);
    // Hidden tabs skip the interval; they check when they become visible again.
    const interval =
      refreshIntervalSeconds > 0 ? window.setInterval(onVisible, refreshIntervalSeconds * 1000) : undefined;
    return () => {
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onVisible);
      window.clearInterval(interval);
    };
  }, [signedIn, refresh, refreshIntervalSeconds]);

  // Check just after the session's own expiry (setTimeout cannot wait longer than ~24.8 days).
  const expires = session?.expires;
  useEffect(() => {
    if (!expires) return;
    const delay = Math.min(Math.max(new Date(expires).getTime() - Date.now() + 1000, 0), 2 ** 31 - 1);
    const timer = window.setTimeout(() => void refresh(), delay);
    return () => window.clearTimeout(timer);
  }, [expires, refresh]);

  // Arriving at /login while still shown as signed in: the server has just turned this session away.
  useEffect(() => {
    if (pathname === "/login" && state.get().session) void refresh();
  }, [pathname, refresh, state]);

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      status: session ? "authenticated" : "unauthenticated",
      refresh,
      markSigningOut: () => {
        signedOutHereAt.current = Date.now();
        noteSignOut();
        tabs.current?.post({ type: "signing-out" });
      },
    }),
    [session, refresh],
  );

  return (
    <SessionContext.Provider value={value}>
      {children}
      {expiredNotice ? <SessionExpiredToast onDismiss={() => state.set({ expiredNotice: false })} /> : null}
    </SessionContext.Provider>
  );
}

function SessionExpiredToast({ onDismiss }: { onDismiss: () => void }) {
  return (
    <div
      role="alert"
      data-testid="session-expired-toast"
      className="fixed inset-x-4 bottom-4 z-50 flex items-start gap-3 rounded-xl border border-amber-200 dark:border-amber-500/30 bg-amber-50 dark:bg-amber-950 sm:left-auto sm:right-6 sm:bottom-6 sm:max-w-sm px-4 py-3 text-sm text-amber-900 dark:text-amber-100 shadow-lg"
    >
      <span>{SESSION_EXPIRED_MESSAGE}</span>
      <button
        type="button"
        onClick={onDismiss}
        className="font-medium text-amber-700 dark:text-amber-300 hover:text-amber-900 dark:hover:text-amber-100"
        aria-label="Dismiss"
      >
        ×
      </button>
    </div>
  );
}

/** The session for client components (display only). Outside a SessionProvider it reports signed out. */
export function useSession(): SessionContextValue {
  return (
    useContext(SessionContext) ?? {
      session: null,
      status: "unauthenticated",
      refresh: async () => undefined,
      markSigningOut: () => undefined,
    }
  );
}
