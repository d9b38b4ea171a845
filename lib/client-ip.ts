import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

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

/** AUTH_IPV6_PREFIX_BITS's default: a /64 is what one subscriber line or one cloud machine is usually given. */
export const DEFAULT_IPV6_PREFIX_BITS = 64;

/**
 * Who a per-address limit counts, for a client address from clientIp(): an IPv4 address as it is (also when
 * written as IPv4-mapped IPv6, ::ffff:203.0.113.7), an IPv6 address as the network of its first `ipv6PrefixBits`
 * bits ("2001:db8:1:2::/64"), since whoever holds one address of a /64 can usually use all 2^64 of them. Every
 * spelling of one address (case, leading zeros, `::`, a zone id) gives the same bucket. Null for null or anything
 * that is not an IP address: an unknown client, as from clientIp(). Shown addresses (the sessions list) stay whole.
 */
export function addressBucket(ip: string | null, ipv6PrefixBits: number): string | null {
  if (!Number.isInteger(ipv6PrefixBits) || ipv6PrefixBits < 1 || ipv6PrefixBits > 128)
    throw new RangeError(`ipv6PrefixBits must be an integer from 1 to 128, got ${ipv6PrefixBits}`);
  if (!ip) return null;
  const version = isIP(ip);
  if (version === 4) return ip; // isIP() takes only the plain dotted form, so it is already canonical
  if (version !== 6) return null;
  // A zone id (fe80::1%eth0) names the local interface the address was seen on, not another client. A dotted tail
  // is written as hex first: ipaddr.js reads every one as IPv4-mapped, also the old IPv4-compatible ::a.b.c.d.
  const hex = ip
    .split("%")[0]
    .replace(
      /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
      (_, a, b, c, d) => `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`,
    );
  const address = ipaddr.IPv6.parse(hex);
  if (address.isIPv4MappedAddress()) return address.toIPv4Address().toString();
  const bytes = address.toByteArray().map((byte, i) => {
    const kept = Math.min(Math.max(ipv6PrefixBits - i * 8, 0), 8);
    return byte & ((0xff << (8 - kept)) & 0xff);
  });
  // toString() is the RFC 5952 form: one spelling per network.
  return `${ipaddr.fromByteArray(bytes).toString()}/${ipv6PrefixBits}`;
}
