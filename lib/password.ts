import { PasswordPool } from "./password-pool";

export { PasswordPoolBusyError } from "./password-pool";

// bcrypt only looks at the first 72 bytes of a password; longer ones would be silently truncated,
// so they are refused with a clear message instead.
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_BYTES = 72;

export function passwordByteLength(password: string): number {
  return Buffer.byteLength(password, "utf8");
}

// One pool per process, sized by AUTH_HASH_WORKERS and bounded by AUTH_HASH_QUEUE_MAX (read directly so scripts
// need no full env).
const globalForPool = globalThis as unknown as { __passwordPool?: PasswordPool };
function pool(): PasswordPool {
  globalForPool.__passwordPool ??= new PasswordPool(
    Math.max(1, Number(process.env.AUTH_HASH_WORKERS) || 2),
    Math.max(1, Number(process.env.AUTH_HASH_QUEUE_MAX) || 32),
  );
  return globalForPool.__passwordPool;
}

/** True when a password check started now would be refused as busy. */
export function passwordPoolSaturated(): boolean {
  return pool().saturated;
}

export async function hashPassword(password: string, cost: number): Promise<string> {
  return (await pool().run("hash", password, cost)) as string;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return (await pool().run("compare", password, hash)) as boolean;
}

/**
 * Like verifyPassword, but a hash made at a lower cost than `cost` takes the work of a compare at `cost`, so
 * the answer time does not tell an old account from a current one or from an unknown email.
 */
export async function verifyPasswordAtCost(password: string, hash: string, cost: number): Promise<boolean> {
  return (await pool().run("compare-at-cost", password, hash, cost)) as boolean;
}

/** The cost factor a bcrypt hash was made with, e.g. 12 for "$2b$12$…". */
export function bcryptCost(hash: string): number | null {
  const match = /^\$2[aby]\$(\d{2})\$/.exec(hash);
  return match ? Number(match[1]) : null;
}

// A real hash of a random string: unknown emails are compared against it so they take as long as wrong passwords.
const dummyHashes = new Map<number, Promise<string>>();
export function dummyHash(cost: number): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = hashPassword(crypto.randomUUID(), cost);
    dummyHashes.set(cost, hash);
    hash.catch(() => dummyHashes.delete(cost)); // a busy pool must not leave a rejected promise cached
  }
  return hash;
}
