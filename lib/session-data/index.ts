import "server-only";
import { cookies, headers } from "next/headers";
import type { z } from "zod";
import {
  anonymousDataLimit,
  refundCreation,
  reserveCreation,
  tooManyNewVisitorsMessage,
  type AddressLimit,
} from "../address-limits";
import { currentRequestMeta } from "../auth/request-meta";
import { PLAIN_SESSION_COOKIE, sessionCookieName } from "../auth/session-cookie";
import { cookieValues } from "../cookie-header";
import { getCurrentSessionId, verifySession } from "../dal";
import { getDb } from "../db";
import { getEnv } from "../env";
import { MOVED_MARKER, moveAnonymousData, ownersWithData, undoMove } from "./anonymous";
import { SessionDataError, SessionDataRateLimitedError } from "./errors";
import {
  anonymousCookie,
  anonymousOwner,
  generateAnonymousToken,
  looksLikeAnonymousToken,
  sessionOwner,
  type SessionDataOwner,
} from "./owner";
import { createSessionStore, type SessionStore, type SessionStoreOptions } from "./store";

export {
  SessionDataError,
  SessionDataRateLimitedError,
  SessionDataTooLargeError,
  SessionDataValidationError,
} from "./errors";
export { DEFAULT_MAX_BYTES } from "./store";

// Small per-session state kept on the server (a cart, a form draft), for App Router code:
//
//   const cart = defineSessionData("cart", cartSchema, { initial: { items: {} } });
//   await cart.get();                        // Server Components, actions, route handlers
//   await cart.set({ coupon: "SPRING" });    // actions and route handlers: shallow merge
//   await cart.update((c) => addItem(c, id)); // atomic read-modify-write (concurrent tabs never lose updates)
//   await cart.replace(value); await cart.clear();
//
// Signed in, the data belongs to the current session (both strategies) and is deleted with it. Signed out, it
// belongs to an anonymous cookie; on the first use after sign-in the anonymous data is merged into the session's
// and deleted, and the cookie is dropped. Every write is validated by the schema and limited to `maxBytes` of
// JSON; a refused write throws a SessionDataError and writes nothing.
//
// Anonymous ids and cookie planting. Where cookies are not __Host- (plain http, or a sibling subdomain on the same
// registrable domain), someone can plant a session-data cookie in a visitor's browser: one they got, with data,
// from their own client. A second cookie binding the id to the browser (an HMAC of id + nonce) would not help:
// the planter plants that one too, since every cookie their own browser received is valid. So an id is never
// trusted to be this browser's: every anonymous write moves the data to a fresh random id minted in that very
// response (lib/session-data/anonymous.ts) and writes there, and the planted id is left empty. What the planter
// can still do: make the visitor start from the planted data (a seeded cart or draft, visible to the visitor before
// their first write, and carried into their session on sign-in like any anonymous data) — never read what the
// visitor writes, which is never stored under an id the planter knows. A planted cookie that sits next to the
// browser's own (another Domain or Path) is told apart by its data (see readAnonymousToken); when both hold data,
// neither is used and each write starts afresh, so a planter can keep a visitor's signed-out data from persisting,
// but still not read it. New ids are rate limited per client address (SESSION_DATA_ADDRESS_MAX_NEW per hour,
// behind a trusted proxy).

export type SessionData<T> = {
  get(): Promise<T>;
  set(partial: Partial<T>): Promise<T>;
  update(compute: (current: T) => T): Promise<T>;
  replace(value: T): Promise<T>;
  clear(): Promise<void>;
};

type CookieStore = Awaited<ReturnType<typeof cookies>>;

/** The request as session data sees it: its cookie jar (with this request's changes) and the header the browser sent. */
type RequestCookies = { jar: CookieStore; sent: string | null; cookie: ReturnType<typeof anonymousCookie> };

async function requestCookies(): Promise<RequestCookies> {
  const [jar, sentHeaders] = await Promise.all([cookies(), headers()]);
  // __Host- on https, decided like the session cookie's name (an https AUTH_URL, or the proxy's X-Forwarded-Proto).
  const sessionName = sessionCookieName({
    authUrl: process.env.AUTH_URL,
    nextAuthUrl: process.env.NEXTAUTH_URL,
    forwardedProto: sentHeaders.get("x-forwarded-proto"),
  });
  const cookie = anonymousCookie(sessionName !== null && sessionName !== PLAIN_SESSION_COOKIE);
  return { jar, sent: sentHeaders.get("cookie"), cookie };
}

/**
 * The browser's anonymous id: the one this request set (a write moves the data to a new id; reads after it in the
 * same request follow), else the one the browser sent. Two different ones (the browser's own and one planted with
 * another Domain or Path) are told apart by their data: a planted id is emptied by the visitor's first write, so
 * the one that still has data is the browser's current id. When both have data, neither is used.
 */
async function readAnonymousToken({
  jar,
  sent,
  cookie,
}: RequestCookies): Promise<{ token: string; setNow: boolean } | null> {
  const sentValues = cookieValues(sent, cookie.name);
  const current = jar.get(cookie.name)?.value;
  if (current !== undefined && !sentValues.includes(current))
    return looksLikeAnonymousToken(current) ? { token: current, setNow: true } : null;
  const candidates = [...new Set(sentValues.filter(looksLikeAnonymousToken))];
  if (candidates.length <= 1) return candidates.length ? { token: candidates[0], setNow: false } : null;
  const withData = await ownersWithData(getDb(), candidates.map(anonymousOwner));
  if (withData.length !== 1) return null;
  return { token: candidates.find((token) => anonymousOwner(token).key === withData[0].key)!, setNow: false };
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
async function signedInOwner<T>(store: SessionStore<T>, request: RequestCookies): Promise<SessionDataOwner | null> {
  if (!(await verifySession())) return null;
  const sessionId = await getCurrentSessionId();
  if (!sessionId) return null;
  const owner = sessionOwner(sessionId);
  const anonymousId = await readAnonymousToken(request);
  if (anonymousId) {
    const db = getDb();
    const anonymous = anonymousOwner(anonymousId.token);
    await store.adopt(db, anonymous, owner);
    // Once nothing is left behind the anonymous id it is discarded (only possible where cookies can be set;
    // until then the leftover cookie points at nothing and costs one indexed lookup).
    if ((await db.sessionData.count({ where: { key: anonymous.key, name: { not: MOVED_MARKER } } })) === 0) {
      // Same attributes as when set: a __Host- cookie can only be replaced by one that is Secure with Path=/.
      const { cookie } = request;
      trySetCookie(request.jar, (j) => j.set(cookie.name, "", { ...cookie.options, maxAge: 0 }));
    }
  }
  return owner;
}

/**
 * The anonymous owner to write as: a fresh random id, set as the cookie in this response, holding whatever the
 * browser's current id held (moved, not copied). Only the first write of a request moves; later ones use its id.
 */
async function anonymousWriter(request: RequestCookies): Promise<SessionDataOwner> {
  const current = await readAnonymousToken(request);
  if (current?.setNow) return anonymousOwner(current.token);
  const db = getDb();
  const token = generateAnonymousToken();
  const fresh = anonymousOwner(token);
  const from = current ? anonymousOwner(current.token) : null;
  const moved = from ? await moveAnonymousData(db, from, fresh) : "nothing";
  if (moved === "busy") {
    throw new SessionDataError(
      "conflict",
      "This data was just changed in another tab. Nothing was saved; reload the page and try again.",
    );
  }
  // Nothing to carry over: this is a new anonymous id, which counts against the client address.
  let limit: AddressLimit | null = null;
  if (moved === "nothing") {
    const env = getEnv();
    limit = anonymousDataLimit(
      (await currentRequestMeta()).ip,
      env.SESSION_DATA_ADDRESS_MAX_NEW,
      env.AUTH_IPV6_PREFIX_BITS,
    );
    const reservation = await reserveCreation(db, limit);
    if (!reservation.ok)
      throw new SessionDataRateLimitedError(
        reservation.retryAfterSeconds,
        tooManyNewVisitorsMessage(reservation.retryAfterSeconds),
      );
  }
  const { cookie } = request;
  if (!trySetCookie(request.jar, (j) => j.set(cookie.name, token, cookie.options))) {
    if (from && moved === "moved") await undoMove(db, from, fresh);
    else await refundCreation(db, limit);
    throw new SessionDataError("read_only", "Session data can only be written in a server action or route handler.");
  }
  return fresh;
}

async function readingOwner<T>(store: SessionStore<T>): Promise<SessionDataOwner | null> {
  const request = await requestCookies();
  const signedIn = await signedInOwner(store, request);
  if (signedIn) return signedIn;
  const anonymousId = await readAnonymousToken(request);
  return anonymousId ? anonymousOwner(anonymousId.token) : null;
}

async function writingOwner<T>(store: SessionStore<T>): Promise<SessionDataOwner> {
  const request = await requestCookies();
  return (await signedInOwner(store, request)) ?? (await anonymousWriter(request));
}

/** Declares a named piece of session data with its schema; call at module level and export the result. */
export function defineSessionData<T extends object>(
  name: string,
  schema: z.ZodType<T>,
  options: SessionStoreOptions<T>,
): SessionData<T> {
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
