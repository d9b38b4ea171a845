import { describe, expect, it } from "vitest";
import { decryptedCookieMemo } from "../../lib/auth/strategy/decrypted-cookies";

describe("decryptedCookieMemo", () => {
  it("keys by cookie name and exact value", () => {
    const memo = decryptedCookieMemo<{ sub: string }>(10);
    memo.set("a", "value", { sub: "1" });
    expect(memo.get("a", "value")).toEqual({ sub: "1" });
    expect(memo.get("b", "value")).toBeUndefined();
    expect(memo.get("a", "valuE")).toBeUndefined();
    expect(memo.get("a", "value ")).toBeUndefined();
    // ("n", "x\ny") and ("n\nx", "y") are different pairs and must not share an entry.
    memo.set("n", "x\ny", { sub: "2" });
    expect(memo.get("n\nx", "y")).toBeUndefined();
  });

  it("stays within its limit, dropping the least recently used entry", () => {
    const memo = decryptedCookieMemo<{ i: number }>(3);
    for (let i = 0; i < 3; i++) memo.set("n", `v${i}`, { i });
    expect(memo.get("n", "v0")).toEqual({ i: 0 }); // v0 is now the most recently used
    memo.set("n", "v3", { i: 3 });
    expect(memo.size).toBe(3);
    expect(memo.get("n", "v1")).toBeUndefined();
    expect(memo.get("n", "v0")).toEqual({ i: 0 });
    expect(memo.get("n", "v3")).toEqual({ i: 3 });
  });

  it("does not keep oversized values, and hands out frozen payloads", () => {
    const memo = decryptedCookieMemo<{ sub: string }>(10);
    memo.set("n", "x".repeat(5_000), { sub: "big" });
    expect(memo.get("n", "x".repeat(5_000))).toBeUndefined();
    memo.set("n", "ok", { sub: "1" });
    expect(Object.isFrozen(memo.get("n", "ok"))).toBe(true);
  });
});
