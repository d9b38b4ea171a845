import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  cartLines,
  cartSchema,
  EMPTY_CART,
  MAX_LINES,
  MAX_QUANTITY,
  mergeCarts,
  withAdded,
  withQuantity,
} from "../../app/cart/cart-model";
import {
  anonymousCookie,
  anonymousOwner,
  generateAnonymousToken,
  looksLikeAnonymousToken,
  sessionOwner,
} from "../../lib/session-data/owner";

describe("session data owners", () => {
  it("anonymous tokens are 256 random bits and only their SHA-256 is the key", () => {
    const token = generateAnonymousToken();
    expect(looksLikeAnonymousToken(token)).toBe(true);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(generateAnonymousToken()).not.toBe(token);
    expect(anonymousOwner(token)).toEqual({
      kind: "anonymous",
      key: `a:${createHash("sha256").update(token).digest("hex")}`,
    });
    for (const bad of ["", "short", `${token}x`, `${token.slice(0, 42)}!`, 42, null])
      expect(looksLikeAnonymousToken(bad)).toBe(false);
  });

  it("session keys name the Session row's id", () => {
    expect(sessionOwner("abc")).toEqual({ kind: "session", key: "s:abc", sessionId: "abc" });
  });

  it("the anonymous cookie is HttpOnly and SameSite=Lax, with __Host- and Secure over https", () => {
    expect(anonymousCookie(false)).toMatchObject({
      name: "session-data.anon",
      options: { httpOnly: true, sameSite: "lax", secure: false, path: "/" },
    });
    expect(anonymousCookie(true)).toMatchObject({
      name: "__Host-session-data.anon",
      options: { secure: true, path: "/" },
    });
  });
});

describe("demo cart", () => {
  it("adds, clamps and removes quantities", () => {
    const cart = withAdded(withAdded(EMPTY_CART, "pen"), "pen");
    expect(cart.items).toEqual({ pen: 2 });
    expect(withAdded(cart, "pen", 500).items.pen).toBe(MAX_QUANTITY);
    expect(withAdded(cart, "pen", -2).items).toEqual({});
    expect(withQuantity(cart, "pen", 0).items).toEqual({});
    expect(EMPTY_CART.items).toEqual({}); // not mutated
  });

  it("merges an anonymous cart into the session's by adding quantities", () => {
    expect(mergeCarts({ items: { pen: 1, mug: 2 } }, { items: { pen: 3, stickers: 1 } }).items).toEqual({
      pen: 4,
      mug: 2,
      stickers: 1,
    });
  });

  it("lists lines in catalogue order and skips unknown products; the schema bounds lines and quantities", () => {
    expect(
      cartLines({ items: { stickers: 1, notebook: 2, gone: 1 } }).map((l) => [l.product.id, l.totalCents]),
    ).toEqual([
      ["notebook", 2900],
      ["stickers", 600],
    ]);
    expect(cartSchema.safeParse({ items: { pen: 0 } }).success).toBe(false);
    expect(cartSchema.safeParse({ items: { pen: MAX_QUANTITY + 1 } }).success).toBe(false);
    expect(cartSchema.safeParse({ items: { "Bad Id": 1 } }).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: MAX_LINES + 1 }, (_, i) => [`p-${i}`, 1]));
    expect(cartSchema.safeParse({ items: many }).success).toBe(false);
  });
});
