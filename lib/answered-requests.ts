import { keyedQueue } from "./mail/keyed-queue";
import { maskAddress } from "./mail/address";

// The work of requests that must not reveal whether an account exists (forgot password, resend confirmation):
// they answer at once, the same way for every address, and the lookup and the mail happen here, after the answer.
//
// Two stages, so that asking for unknown addresses costs known ones nothing:
//   lookup: every request, many at once, a large bound. Only a cheap indexed read each, far less than the
//           request that asked for it cost, so a flood of requests cannot outrun it.
//   send:   only recipients that were found, a few at once, its own bound. Unknown addresses never get here.
// Each stage keeps one job per recipient and purpose: asked again while waiting, the newer request takes the
// waiting one's place; while it runs, the next one waits for it.
//
// A job is dropped (counted and logged) only before its lookup, whatever the address: when the lookup stage is
// full, or the send stage is full when its lookup would start. So neither a drop nor the counter in /api/health
// says whether an address has an account.

export type AnsweredRequest<T> = {
  /** What `send` needs, or null when there is nothing to send (no such account, or nothing to do for it). */
  lookup: () => Promise<T | null>;
  send: (found: T) => Promise<void>;
};

type Lookup = () => Promise<(() => Promise<void>) | null>;

export const ANSWERED_REQUEST_LIMITS = {
  lookupConcurrency: 8,
  /** Jobs waiting for (or in) their lookup. */
  lookupLimit: 10_000,
  sendConcurrency: 4,
  /** Found recipients waiting for (or in) their mail; each waits at most MAIL_SEND_TIMEOUT_MS once it is sent. */
  sendLimit: 100,
};

export type AnsweredRequestStats = {
  /** Jobs not yet looked up. The send stage is left out: how long a job stays there depends on the account. */
  queued: number;
  /** Jobs dropped since the process started. */
  dropped: number;
};

export function answeredRequestQueue(limits = ANSWERED_REQUEST_LIMITS) {
  const sends = keyedQueue<() => Promise<void>>({
    concurrency: limits.sendConcurrency,
    // Never reached: a lookup starts only below sendLimit, and at most lookupConcurrency run at once.
    limit: limits.sendLimit + limits.lookupConcurrency,
    work: (send) => reportFailure(send),
  });
  let droppedBeforeLookup = 0;
  const lookups = keyedQueue<Lookup>({
    concurrency: limits.lookupConcurrency,
    limit: limits.lookupLimit,
    work: (lookup, key) =>
      reportFailure(async () => {
        if (sends.size() >= limits.sendLimit) {
          droppedBeforeLookup++;
          logDrop(key, "too many mails waiting to be sent");
          return;
        }
        const send = await lookup();
        if (send) sends.push(key, send);
      }),
  });

  return {
    /** Queues the job; false when it was dropped. */
    push<T>(purpose: string, recipient: string, { lookup, send }: AnsweredRequest<T>): boolean {
      const key = `${purpose} ${recipient.toLowerCase()}`;
      const outcome = lookups.push(key, async () => {
        const found = await lookup();
        return found === null ? null : () => send(found);
      });
      if (outcome === "dropped") logDrop(key, "too many requests waiting to be looked up");
      return outcome !== "dropped";
    },
    stats: (): AnsweredRequestStats => ({
      queued: lookups.size(),
      dropped: lookups.dropped() + droppedBeforeLookup + sends.dropped(),
    }),
    /** Resolves once both stages are empty. */
    async whenIdle(): Promise<void> {
      while (lookups.size() + sends.size() > 0) await Promise.all([lookups.whenIdle(), sends.whenIdle()]);
    },
  };
}

async function reportFailure(job: () => Promise<void>): Promise<void> {
  try {
    await job();
  } catch (error) {
    console.error(`[mail] a requested link was not sent: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function logDrop(key: string, why: string): void {
  const space = key.indexOf(" "); // the purpose has none
  const [purpose, recipient] = [key.slice(0, space), key.slice(space + 1)];
  console.error(`[mail] ${purpose} request for ${maskAddress(recipient)} dropped: ${why} (it can be asked again)`);
}

// One per process: Next.js server bundles are separate module instances, and the bounds are the process's.
const globalForAnswered = globalThis as unknown as { __answeredRequests?: ReturnType<typeof answeredRequestQueue> };
const processQueue = () => (globalForAnswered.__answeredRequests ??= answeredRequestQueue());

/** Runs `request` after the response: its lookup, then its mail when the lookup found someone to send it to. */
export function afterAnswering<T>(purpose: string, recipient: string, request: AnsweredRequest<T>): void {
  processQueue().push(purpose, recipient, request);
}

/** For /api/health. */
export function answeredRequestStats(): AnsweredRequestStats {
  return globalForAnswered.__answeredRequests?.stats() ?? { queued: 0, dropped: 0 };
}

/** Resolves once every queued request has been handled (tests). */
export function answeredRequestsDone(): Promise<void> {
  return globalForAnswered.__answeredRequests?.whenIdle() ?? Promise.resolve();
}
