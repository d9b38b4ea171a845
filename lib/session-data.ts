import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import type { z } from "zod";
import { getCurrentSessionId, verifySession } from "./dal";
import { getDb } from "./db";
import { getEnv } from "./env";
import { SessionDataError } from "./session-store/errors";
import {
  anonymousCookie,
  anonymousOwner,
  generateAnonymousToken,
  looksLikeAnonymousToken,
  sessionOwner,
  type SessionDataOwner,
} from "./session-store/owner";
import { createSessionStore, type SessionStore, type SessionStoreOptions } from "./session-store/store";

export { SessionDataError, SessionDataTooLargeError, SessionDataValidationError } from "./session-store/errors";
export { DEFAULT_MAX_BYTES } from "./session-store/store";

// Small per-session state kept on the server (a cart, a form draft), for App Router code:
//
//   const cart = defineSessionData("cart", cartSchema, { initial: { items: {} } });
//   await cart.get();                        // Server Components, actions, route handlers
//   await cart.set({ coupon: "SPRING" });    // actions and route handlers: shallow merge
//   await cart.update((c) => addItem(c, id)); // atomic read-modify-write (concurrent tabs never lose updates)
//   await cart.replace(value); await cart.clear();
//
// Signed in, the data belongs to the current session (both strategies) and is deleted with it. Signed out, it
// belongs to an anonymous cookie created on the first write; on the first use after sign-in the anonymous data
// is merged into the session's and deleted, and the cookie is dropped. Every write is validated by the schema and
// limited to `maxBytes` of JSON; a refused write throws a SessionDataError and writes nothing.

export type SessionData<T> = {
  get(): Promise<T>;
  set(partial: Partial<T>): Promise<T>;
  update(compute: (current: T) => T): Promise<T>;
  replace(value: T): Promise<T>;
  clear(): Promise<void>;
};

type CookieStore = Awaited<ReturnType<typeof cookies>>;

/** An anonymous token minted earlier in this request (a second write must not mint another one). */
const mintedInRequest = cache((): { token?: string } => ({}));

function readAnonymousToken(jar: CookieStore): string | null {
  const minted = mintedInRequest().token;
  if (minted) return minted;
  const value = jar.get(anonymousCookie(getEnv().AUTH_URL).name)?.value;
  return looksLikeAnonymousToken(value) ? value : null;
}

/** Cookies can only be changed in server actions and route handlers; elsewhere this returns false. */
function trySetCookie(jar: CookieStore, write: (jar: CookieStore) => void): boolean {
  try {
    write(jar);
    return true;
  } catch {
    return false;
  }
}

/** The signed-in session's owner, after taking over this browser's anonymous data for `store`. */
async function signedInOwner<T>(store: SessionStore<T>, jar: CookieStore): Promise<SessionDataOwner | null> {
  if (!(await verifySession())) return null;
  const sessionId = await getCurrentSessionId();
  if (!sessionId) return null;
  const owner = sessionOwner(getEnv().AUTH_SESSION_STRATEGY, sessionId);
  const token = readAnonymousToken(jar);
  if (token) {
    const db = getDb();
    const anonymous = anonymousOwner(token);
    await store.adopt(db, anonymous, owner);
    // Once nothing is left behind the anonymous id it is discarded (only possible where cookies can be set;
    // until then the leftover cookie points at nothing and costs one indexed lookup).
    if ((await db.sessionData.count({ where: { key: anonymous.key } })) === 0) {
      // Same attributes as when set: a __Host- cookie can only be replaced by one that is Secure with Path=/.
      const cookie = anonymousCookie(getEnv().AUTH_URL);
      trySetCookie(jar, (j) => j.set(cookie.name, "", { ...cookie.options, maxAge: 0 }));
    }
  }
  return owner;
}

/**
 * The anonymous owner to write as. A cookie that no live data stands behind is not adopted: a new random one is
 * issued instead, so an id planted in the browser by someone else never ends up holding this visitor's data.
 */
async function anonymousWriter(jar: CookieStore): Promise<SessionDataOwner> {
  const token = readAnonymousToken(jar);
  if (token) {
    const owner = anonymousOwner(token);
    if (mintedInRequest().token === token) return owner;
    const live = await getDb().sessionData.findFirst({ where: { key: owner.key, expires: { gt: new Date() } }, select: { name: true } });
    if (live) return owner;
  }
  const fresh = generateAnonymousToken();
  const cookie = anonymousCookie(getEnv().AUTH_URL);
  if (!trySetCookie(jar, (j) => j.set(cookie.name, fresh, cookie.options))) {
    throw new SessionDataError("read_only", "Session data can only be written in a server action or route handler.");
  }
  mintedInRequest().token = fresh;
  return anonymousOwner(fresh);
}

async function readingOwner<T>(store: SessionStore<T>): Promise<SessionDataOwner | null> {
  const jar = await cookies();
  const token = readAnonymousToken(jar);
  return (await signedInOwner(store, jar)) ?? (token ? anonymousOwner(token) : null);
}

async function writingOwner<T>(store: SessionStore<T>): Promise<SessionDataOwner> {
  const jar = await cookies();
  return (await signedInOwner(store, jar)) ?? (await anonymousWriter(jar));
}

/** Declares a named piece of session data with its schema; call at module level and export the result. */
export function defineSessionData<T extends object>(name: string, schema: z.ZodType<T>, options: SessionStoreOptions<T>): SessionData<T> {
  const store = createSessionStore(name, schema, options);

  async function update(compute: (current: T) => T): Promise<T> {
    return store.write(getDb(), await writingOwner(store), compute);
  }

  return {
    async get() {
      const owner = await readingOwner(store);
      return owner ? store.read(getDb(), owner) : options.initial;
    },
    set: (partial) => update((current) => ({ ...current, ...partial })),
    update,
    replace: (value) => update(() => value),
    async clear() {
      const owner = await readingOwner(store);
      if (owner) await store.clear(getDb(), owner);
    },
  };
}
