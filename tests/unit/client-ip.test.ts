import { describe, expect, it } from "vitest";
import { addressBucket, DEFAULT_IPV6_PREFIX_BITS } from "../../lib/client-ip";
import { parseEnv } from "../../lib/env";

// Per-address limits count addressBucket(): an IPv6 client holds a whole network (a /64 by default) and can
// pick any address in it, and one address has many spellings; either would otherwise be a new client each time.

const bucket64 = (ip: string) => addressBucket(ip, 64);

describe("addressBucket", () => {
  it("puts every address of one IPv6 /64 in one bucket, and the next /64 in another", () => {
    const home = ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2:8a2e:370:7334:1"];
    expect(new Set(home.map(bucket64))).toEqual(new Set(["2001:db8:1:2::/64"]));
    expect(bucket64("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(bucket64("2001:db8:1:1:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:1::/64");
  });

  it("groups by any prefix from 1 to 128 bits, cutting inside a group where the prefix does", () => {
    expect(addressBucket("2001:db8:abcd:12ff::1", 48)).toBe("2001:db8:abcd::/48");
    expect(addressBucket("2001:db8:abcd:12ff::1", 56)).toBe("2001:db8:abcd:1200::/56");
    expect(addressBucket("2001:db8:abcd:12ff::1", 52)).toBe("2001:db8:abcd:1000::/52");
    expect(addressBucket("2001:db8::1", 128)).toBe("2001:db8::1/128");
    expect(addressBucket("2001:db8::2", 128)).toBe("2001:db8::2/128");
    expect(addressBucket("2001:db8::2", 127)).toBe("2001:db8::2/127");
    expect(addressBucket("2001:db8::3", 127)).toBe("2001:db8::2/127");
    expect(addressBucket("ffff::1", 1)).toBe("8000::/1");
    expect(addressBucket("7fff::1", 1)).toBe("::/1");
  });

  it("counts an IPv4-mapped IPv6 address as the IPv4 address it is, in either spelling", () => {
    expect(bucket64("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(bucket64("::FFFF:203.0.113.7")).toBe("203.0.113.7");
    expect(bucket64("::ffff:cb00:7107")).toBe("203.0.113.7");
    expect(bucket64("0:0:0:0:0:ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(bucket64("203.0.113.7")).toBe("203.0.113.7");
    // IPv4 addresses are never grouped: a neighbour in the same /24 is someone else.
    expect(bucket64("203.0.113.8")).toBe("203.0.113.8");
    // Only ::ffff:0:0/96 is IPv4: the deprecated IPv4-compatible form stays IPv6.
    expect(addressBucket("::203.0.113.7", 128)).toBe("::cb00:7107/128");
  });

  it("gives every spelling of one address the same bucket: case, leading zeros, compressed or expanded", () => {
    const spellings = [
      "2001:db8:0:0:1:0:0:1",
      "2001:0DB8:0000:0000:0001:0000:0000:0001",
      "2001:db8::1:0:0:1",
      "2001:DB8:0:0:1::1",
    ];
    expect(new Set(spellings.map((ip) => addressBucket(ip, 128)))).toEqual(new Set(["2001:db8::1:0:0:1/128"]));
    expect(addressBucket("::1", 128)).toBe(addressBucket("0:0:0:0:0:0:0:1", 128));
    expect(addressBucket("::", 64)).toBe("::/64");
  });

  it("drops a zone id: it names the local interface, not another client", () => {
    expect(addressBucket("fe80::1%eth0", 128)).toBe("fe80::1/128");
    expect(addressBucket("fe80::1%25en0", 64)).toBe(bucket64("fe80::2"));
  });

  it("answers null for an unknown address and for anything that is not one", () => {
    for (const junk of [null, "", "junk", "1.2.3", "01.2.3.4", "1.2.3.4 ", "[2001:db8::1]", "2001:db8::/64", "1::2::3"])
      expect(addressBucket(junk, 64), String(junk)).toBeNull();
  });

  it("refuses a prefix that is not 1 to 128 bits", () => {
    for (const bits of [0, 129, 64.5, Number.NaN]) expect(() => addressBucket("2001:db8::1", bits)).toThrow(RangeError);
  });
});

describe("AUTH_IPV6_PREFIX_BITS", () => {
  it("defaults to 64 and takes 1 to 128", () => {
    expect(parseEnv({ NODE_ENV: "test" }).AUTH_IPV6_PREFIX_BITS).toBe(DEFAULT_IPV6_PREFIX_BITS);
    expect(DEFAULT_IPV6_PREFIX_BITS).toBe(64);
    expect(parseEnv({ NODE_ENV: "test", AUTH_IPV6_PREFIX_BITS: "56" }).AUTH_IPV6_PREFIX_BITS).toBe(56);
    for (const bad of ["0", "129", "48.5", "wide"])
      expect(() => parseEnv({ NODE_ENV: "test", AUTH_IPV6_PREFIX_BITS: bad })).toThrow(/AUTH_IPV6_PREFIX_BITS/);
  });
});
