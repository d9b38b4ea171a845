import type { Db } from "../../db";
import type { Env } from "../../env";
import { currentRequestMeta } from "../request-meta";
import { publishChange } from "./change-feed";
import { currentSessionCookie } from "../session-cookie";
import type { SessionCookieValue, StrategyEnv, VerifiedSession } from ".";

// The Session row both strategies keep for each signed-in browser, and the lifetime rules they share.

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const secondsFromNow = (seconds: number) => new Date(Date.now() + seconds * 1000);

/** Creates the Session row of a sign-in; `sessionToken` is the cookie's hash (database) or absent (jwt). */
export async function createSessionRow(
  db: Db,
  env: Pick<Env, "AUTH_SESSION_STRATEGY" | "AUTH_SESSION_MAX_AGE">,
  { userId, id, sessionToken }: { userId: string; id?: string; sessionToken?: string },
): Promise<void> {
  const meta = await currentRequestMeta();
  await db.session.create({
    data: {
      id,
      strategy: env.AUTH_SESSION_STRATEGY,
      sessionToken,
      userId,
      expires: secondsFromNow(env.AUTH_SESSION_MAX_AGE),
      userAgent: meta.userAgent,
      ip: meta.ip,
    },
  });
}

/** Ends a session by deleting its row (its session data goes with it: ON DELETE CASCADE). */
export async function endSessionRow(db: Db, id: string): Promise<void> {
  await db.session.deleteMany({ where: { id } });
  publishChange({ kind: "session", id });
}

export function isPastAbsoluteLifetime(
  signedInAt: Date | number,
  env: Pick<StrategyEnv, "AUTH_SESSION_ABSOLUTE_MAX_AGE">,
) {
  const ms = typeof signedInAt === "number" ? signedInAt * 1000 : signedInAt.getTime();
  return ms + env.AUTH_SESSION_ABSOLUTE_MAX_AGE * 1000 <= Date.now();
}

/** Session fixation (ASVS 7.2.4): a sign-in ends whatever live session the browser presented before it. */
export async function endPreviousSession(
  db: Db,
  verify: (cookie: SessionCookieValue | null, options: { slide: false }) => Promise<VerifiedSession | null>,
): Promise<void> {
  const previous = await verify(await currentSessionCookie(), { slide: false });
  if (previous) await endSessionRow(db, previous.sessionId);
}
