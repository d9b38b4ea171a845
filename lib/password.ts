import { formatDuration } from "./auth/throttle";
import { addressBucket, DEFAULT_IPV6_PREFIX_BITS } from "./client-ip";
import { DEFAULT_ADMISSION_LIMITS, PasswordPool, type PasswordTicket, type PasswordWorkKeys } from "./password-pool";

export { isPasswordPoolBusy, PasswordPoolBusyError } from "./password-pool";
export type { PasswordTicket, PasswordWorkKeys } from "./password-pool";

// bcrypt only looks at the first 72 bytes of a password; longer ones would be silently truncated,
// so they are refused with a clear message instead.
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_BYTES = 72;

export function passwordByteLength(password: string): number {
  return Buffer.byteLength(password, "utf8");
}

const positive = (value: string | undefined, fallback: number) => Math.max(1, Number(value) || fallback);

// One pool per process, sized by AUTH_HASH_WORKERS and bounded by AUTH_HASH_QUEUE_MAX, AUTH_HASH_CLIENT_MAX and
// AUTH_HASH_ACCOUNT_MAX (read directly so scripts need no full env).
const globalForPool = globalThis as unknown as { __passwordPool?: PasswordPool };
function pool(): PasswordPool {
  globalForPool.__passwordPool ??= new PasswordPool(positive(process.env.AUTH_HASH_WORKERS, 2), {
    maxJobs: positive(process.env.AUTH_HASH_QUEUE_MAX, DEFAULT_ADMISSION_LIMITS.maxJobs),
    perClient: positive(process.env.AUTH_HASH_CLIENT_MAX, DEFAULT_ADMISSION_LIMITS.perClient),
    perAccount: positive(process.env.AUTH_HASH_ACCOUNT_MAX, DEFAULT_ADMISSION_LIMITS.perAccount),
  });
  return globalForPool.__passwordPool;
}

// `client` is the address from clientIp(); the pool counts it by the bucket the per-address limits use, so an
// IPv6 client cannot spread its queue over the addresses of its /64.
function bucketed(keys: PasswordWorkKeys): PasswordWorkKeys {
  const bits = Number(process.env.AUTH_IPV6_PREFIX_BITS);
  const prefixBits = Number.isInteger(bits) && bits >= 1 && bits <= 128 ? bits : DEFAULT_IPV6_PREFIX_BITS;
  return { ...keys, client: addressBucket(keys.client ?? null, prefixBits) };
}

/**
 * A slot for one request's password work, taken BEFORE anything that costs the client (a throttle attempt):
 * null means "busy, try again" with nothing spent. Pass it to the hashing calls and release it in a `finally`.
 */
export function admitPasswordWork(keys: PasswordWorkKeys): PasswordTicket | null {
  return pool().admit(bucketed(keys));
}

/** How long a client refused as busy should wait before trying again, in seconds (small and rounded up). */
export function passwordWorkRetryAfterSeconds(): number {
  return pool().retryAfterSeconds();
}

/** The form message for a "busy" answer: how long to wait is the refusal's estimate, or the pool's now. */
export function serverBusyMessage(retryAfterSeconds = passwordWorkRetryAfterSeconds()): string {
  return `The server is busy right now. Please try again in ${formatDuration(retryAfterSeconds)}.`;
}

// Each call runs under a ticket already held, or is admitted on its own with `by` as its keys (then it rejects
// with PasswordPoolBusyError when there is no room: check it with isPasswordPoolBusy).
type By = PasswordTicket | PasswordWorkKeys;
const runAs = (by: By = {}): By => ("release" in by ? by : bucketed(by));

export async function hashPassword(password: string, cost: number, by?: By): Promise<string> {
  return (await pool().run("hash", [password, cost], runAs(by))) as string;
}

export async function verifyPassword(password: string, hash: string, by?: By): Promise<boolean> {
  return (await pool().run("compare", [password, hash], runAs(by))) as boolean;
}

/**
 * Like verifyPassword, but a hash made at a lower cost than `cost` takes the work of a compare at `cost`, so
 * the answer time does not tell an old account from a current one or from an unknown email.
 */
export async function verifyPasswordAtCost(password: string, hash: string, cost: number, by?: By): Promise<boolean> {
  return (await pool().run("compare-at-cost", [password, hash, cost], runAs(by))) as boolean;
}

/** The cost factor a bcrypt hash was made with, e.g. 12 for "$2b$12$…". */
export function bcryptCost(hash: string): number | null {
  const match = /^\$2[aby]\$(\d{2})\$/.exec(hash);
  return match ? Number(match[1]) : null;
}

// A real hash of a random string: unknown emails are compared against it so they take as long as wrong passwords.
const dummyHashes = new Map<number, Promise<string>>();
export function dummyHash(cost: number, by?: By): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = hashPassword(crypto.randomUUID(), cost, by);
    dummyHashes.set(cost, hash);
    hash.catch(() => dummyHashes.delete(cost)); // a busy pool must not leave a rejected promise cached
  }
  return hash;
}
