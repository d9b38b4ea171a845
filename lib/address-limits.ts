import {
  formatDuration,
  reserveAttempt,
  refundAttempt,
  throttleKeys,
  type Limit,
  type Reservation,
} from "./auth/throttle";
import { addressBucket } from "./client-ip";
import type { Db } from "./db";

// Per-address limits on creating things for strangers: accounts (AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS) and new
// anonymous session-data ids (SESSION_DATA_ADDRESS_MAX_NEW), each per hour. They share the sign-in throttle
// (lib/auth/throttle.ts), so an attempt is reserved atomically before the work and concurrent requests cannot
// outrun the limit on any number of instances. The address comes from clientIp(): without a trusted proxy
// (AUTH_TRUSTED_PROXY_HOPS=0) it is unknown and there is no per-address limit, as for sign-in. It is counted by
// addressBucket() (an IPv6 client by its network of AUTH_IPV6_PREFIX_BITS bits).

export const ADDRESS_LIMIT_WINDOW_SECONDS = 60 * 60;

export type AddressLimit = { key: string; max: number };

/** Sign-ups from the client address `ip` (AUTH_REGISTER_ADDRESS_MAX_ATTEMPTS); null when the address is unknown. */
export function registrationLimit(ip: string | null, max: number, ipv6PrefixBits: number): AddressLimit | null {
  const bucket = addressBucket(ip, ipv6PrefixBits);
  return bucket ? { key: throttleKeys.registration(bucket), max } : null;
}

/** New anonymous session-data ids for the client address `ip` (SESSION_DATA_ADDRESS_MAX_NEW); null when unknown. */
export function anonymousDataLimit(ip: string | null, max: number, ipv6PrefixBits: number): AddressLimit | null {
  const bucket = addressBucket(ip, ipv6PrefixBits);
  return bucket ? { key: throttleKeys.anonymousData(bucket), max } : null;
}

// Past the limit the address waits out the rest of an hour, like a window that has run full.
const asThrottleLimit = ({ key, max }: AddressLimit): Limit => ({
  key,
  max,
  windowSeconds: ADDRESS_LIMIT_WINDOW_SECONDS,
  lockoutSeconds: ADDRESS_LIMIT_WINDOW_SECONDS,
});

/** Counts one creation against the address (always allowed when the address is unknown). */
export async function reserveCreation(db: Db, limit: AddressLimit | null, now = new Date()): Promise<Reservation> {
  return limit ? reserveAttempt(db, [asThrottleLimit(limit)], now) : { ok: true };
}

/** Gives a reserved creation back (nothing was created: the server was busy, or the work could not start). */
export async function refundCreation(db: Db, limit: AddressLimit | null): Promise<void> {
  if (limit) await refundAttempt(db, [limit.key]);
}

export function tooManySignUpsMessage(retryAfterSeconds: number): string {
  return `Too many sign-ups from your network; try again in ${formatDuration(retryAfterSeconds)}.`;
}

export function tooManyNewVisitorsMessage(retryAfterSeconds: number): string {
  return `Too many new visitors from your network right now, so nothing was saved; try again in ${formatDuration(retryAfterSeconds)}.`;
}
