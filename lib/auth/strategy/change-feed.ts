import pg from "pg";

// Changes that must reach live JWT sessions at once: a session ended, a user changed (disabled, deleted, new role),
// a role's permissions changed, or one of those tables emptied (TRUNCATE: "all"). A JWT request normally trusts
// its token's claims for AUTH_JWT_RECHECK_SECONDS; a change recorded here makes every check made before it stale,
// so the next request re-reads the database.
//   PostgreSQL: database triggers NOTIFY on CHANNEL for every such change, made by any instance, a script, Prisma
//     Studio or plain SQL; each process listens on one connection of its own and reconnects with backoff.
//   SQLite (one host): the app publishes its own changes in-process; changes from other processes wait for the
//     recheck window.
// While the listener is down nothing is lost but speed: the recheck window still bounds every change, and on
// reconnecting every earlier check counts as stale (events may have been missed in between).

export const CHANNEL = "auth_changes";
/** The listener connection's application_name, followed by the process id. */
export const LISTENER_NAME = "auth-change-feed";

/** "all": a table was emptied (TRUNCATE), so no row can be named; every session counts as changed. */
export type AuthChange =
  { kind: "session"; id: string } | { kind: "user"; id: string } | { kind: "role"; name: string } | { kind: "all" };

/** live/degraded: listening to PostgreSQL (or trying to); in-process: only this process's own changes. */
export type FeedState = "live" | "degraded" | "in-process";

/** Changes kept per kind; beyond it the oldest goes and every check before it counts as stale (safe, not lost). */
const CHANGE_LIMIT = 10_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

type Changes = {
  sessions: Map<string, number>;
  users: Map<string, number>;
  roles: Map<string, number>;
  /** Every check made at or before this time is stale. */
  everything: number;
  state: FeedState;
  listening?: { url: string; stop: () => Promise<void> };
};

// On globalThis: route bundles are separate module instances in one process and must share what they heard.
const globalForChanges = globalThis as unknown as { __authChanges?: Changes };
const changes: Changes = (globalForChanges.__authChanges ??= {
  sessions: new Map(),
  users: new Map(),
  roles: new Map(),
  everything: 0,
  state: "in-process",
});

function remember(map: Map<string, number>, key: string, at: number) {
  map.delete(key);
  map.set(key, at);
  if (map.size > CHANGE_LIMIT) {
    const [oldestKey, oldestAt] = map.entries().next().value!;
    map.delete(oldestKey);
    changes.everything = Math.max(changes.everything, oldestAt);
  }
}

/** Records a change as of now (the in-process path, and every notification the listener receives). */
export function publishChange(change: AuthChange, at = Date.now()): void {
  if (change.kind === "session") remember(changes.sessions, change.id, at);
  else if (change.kind === "user") remember(changes.users, change.id, at);
  else if (change.kind === "role") remember(changes.roles, change.name, at);
  else changes.everything = Math.max(changes.everything, at);
}

/** The time (ms) of the latest change that concerns a session, its user or its role; 0 when none. */
export function lastChangeFor({ sessionId, userId, roles }: { sessionId: string; userId: string; roles: string[] }) {
  let at = Math.max(changes.everything, changes.sessions.get(sessionId) ?? 0, changes.users.get(userId) ?? 0);
  for (const role of roles) at = Math.max(at, changes.roles.get(role) ?? 0);
  return at;
}

export function feedState(): FeedState {
  return changes.state;
}

function parseChange(payload: string | undefined): AuthChange | null {
  try {
    const change = JSON.parse(payload ?? "") as Partial<Record<"kind" | "id" | "name", unknown>>;
    if ((change.kind === "session" || change.kind === "user") && typeof change.id === "string")
      return { kind: change.kind, id: change.id };
    if (change.kind === "role" && typeof change.name === "string") return { kind: "role", name: change.name };
    if (change.kind === "all") return { kind: "all" };
  } catch {
    // not ours: ignored
  }
  return null;
}

/**
 * Listens for change notifications on the PostgreSQL database at `url`, once per process (later calls with the same
 * URL do nothing). The connection is not taken from the request pool: it is held open for as long as the process runs.
 */
export function listenForChanges(url: string): void {
  if (changes.listening?.url === url) return;
  let delay = RECONNECT_MIN_MS;
  let current: pg.Client | undefined;
  let stopped = false;
  changes.listening = {
    url,
    stop: async () => {
      stopped = true;
      changes.listening = undefined;
      changes.state = "in-process";
      await current?.end().catch(() => {});
    },
  };
  changes.state = "degraded";

  const connect = async () => {
    if (stopped) return;
    // Named so an operator can find (or end) each process's listener in pg_stat_activity.
    const application_name = `${LISTENER_NAME} ${process.pid}`;
    const client = (current = new pg.Client({ connectionString: url, keepAlive: true, application_name }));
    let retried = false;
    const retry = (reason: string) => {
      if (retried || stopped) return;
      retried = true;
      if (changes.state === "live") console.warn(`[auth] change feed lost (${reason}); reconnecting`);
      changes.state = "degraded";
      client.removeAllListeners("notification");
      client.end().catch(() => {});
      setTimeout(connect, delay).unref();
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
    };
    client.on("error", (error) => retry(error.message));
    client.on("end", () => retry("connection closed"));
    client.on("notification", (message) => {
      const change = message.channel === CHANNEL ? parseChange(message.payload) : null;
      if (change) publishChange(change);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (stopped) return void client.end().catch(() => {});
      // Whatever happened while nobody listened is unknown: every earlier check is stale once.
      changes.everything = Date.now();
      changes.state = "live";
      delay = RECONNECT_MIN_MS;
    } catch (error) {
      retry((error as Error).message);
    }
  };
  void connect();
}

/** Stops listening (tests, shutdown); the recheck window bounds changes again. */
export async function stopListeningForChanges(): Promise<void> {
  await changes.listening?.stop();
}
