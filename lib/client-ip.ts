/**
 * The client address from X-Forwarded-For. Each trusted proxy appends the address it saw, so the entry
 * `trustedHops` places from the right is the first one a client cannot forge. With 0 hops the app is reached
 * directly and Next.js fills the header from the socket when the client did not send one.
 */
export function clientIp(forwardedFor: string | null | undefined, trustedHops: number): string | null {
  if (!forwardedFor) return null;
  const entries = forwardedFor.split(",").map((e) => e.trim()).filter(Boolean);
  const entry = entries[Math.max(0, entries.length - 1 - trustedHops)];
  return entry ? entry.slice(0, 64) : null;
}
