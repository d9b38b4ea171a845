import { isIP } from "node:net";

/**
 * The client address, the one place that decides it (sessions list, throttling, logs). Each trusted proxy
 * appends the address it saw to X-Forwarded-For, so with `trustedHops` proxies the entry `trustedHops` places
 * from the right is the first one a client cannot forge. With 0 hops there is no honest answer: `next start`
 * fills the header from the socket only when the client sent none, so any value may be the client's own
 * invention; the address is then unknown (null) and per-address limits do not apply.
 */
export function clientIp(forwardedFor: string | null | undefined, trustedHops: number): string | null {
  if (!forwardedFor || trustedHops < 1) return null;
  const entries = forwardedFor.split(",").map((e) => e.trim());
  const entry = entries.length >= trustedHops ? entries[entries.length - trustedHops] : undefined;
  return entry && isIP(entry) ? entry : null;
}
