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
  // A zone id (fe80::1%eth0) names the local interface the address was seen on, not another client.
  const groups = ipv6Groups(ip.split("%")[0]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join(".");
  }
  const network = groups.map((group, i) => {
    const kept = Math.min(Math.max(ipv6PrefixBits - i * 16, 0), 16);
    return kept === 0 ? 0 : group & ((0xffff << (16 - kept)) & 0xffff);
  });
  return `${formatIpv6(network)}/${ipv6PrefixBits}`;
}

/** The eight 16-bit groups of an address isIP() accepted as IPv6 (a dotted IPv4 tail counts as two groups). */
function ipv6Groups(address: string): number[] {
  const parse = (part: string) =>
    part === ""
      ? []
      : part.split(":").flatMap((piece) => {
          if (!piece.includes(".")) return [parseInt(piece, 16)];
          const [a, b, c, d] = piece.split(".").map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head, tail] = address.split("::");
  if (tail === undefined) return parse(head);
  const [first, last] = [parse(head), parse(tail)];
  return [...first, ...Array<number>(8 - first.length - last.length).fill(0), ...last];
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups (the first of equals) as "::". */
function formatIpv6(groups: number[]): string {
  let [runStart, runLength] = [-1, 1];
  for (let i = 0; i < 8;) {
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > runLength) [runStart, runLength] = [i, end - i];
    i = end === i ? i + 1 : end;
  }
  const hex = (part: number[]) => part.map((g) => g.toString(16)).join(":");
  if (runStart < 0) return hex(groups);
  return `${hex(groups.slice(0, runStart))}::${hex(groups.slice(runStart + runLength))}`;
}
