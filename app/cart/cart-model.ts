import { z } from "zod";

// The demo cart: a fixed catalogue and pure functions on the cart value (no I/O, so they are unit-tested).

type Product = { id: string; name: string; description: string; priceCents: number };

export const PRODUCTS: readonly Product[] = [
  { id: "notebook", name: "Dot-grid notebook", description: "A5, 160 pages", priceCents: 1450 },
  { id: "pen", name: "Fineliner pen", description: "0.4 mm, black", priceCents: 320 },
  { id: "mug", name: "Enamel mug", description: "350 ml", priceCents: 1800 },
  { id: "stickers", name: "Sticker pack", description: "12 vinyl stickers", priceCents: 600 },
];

export const MAX_QUANTITY = 99;
export const MAX_LINES = 20;

export function findProduct(id: string): Product | undefined {
  return PRODUCTS.find((product) => product.id === id);
}

export const cartSchema = z.object({
  /** Product id → quantity. */
  items: z
    .record(z.string().regex(/^[a-z0-9-]{1,40}$/, "unknown product"), z.number().int().min(1).max(MAX_QUANTITY))
    .refine((items) => Object.keys(items).length <= MAX_LINES, `at most ${MAX_LINES} different products`),
});

export type Cart = z.infer<typeof cartSchema>;

export const EMPTY_CART: Cart = { items: {} };

/** Sets a product's quantity (clamped to 1…MAX_QUANTITY); 0 or less removes the line. */
export function withQuantity(cart: Cart, productId: string, quantity: number): Cart {
  const items = { ...cart.items };
  if (quantity <= 0) delete items[productId];
  else items[productId] = Math.min(quantity, MAX_QUANTITY);
  return { ...cart, items };
}

export function withAdded(cart: Cart, productId: string, quantity = 1): Cart {
  return withQuantity(cart, productId, (cart.items[productId] ?? 0) + quantity);
}

/** On sign-in: the anonymous cart's quantities are added to the session's. */
export function mergeCarts(signedIn: Cart, anonymous: Cart): Cart {
  return Object.entries(anonymous.items).reduce((cart, [id, quantity]) => withAdded(cart, id, quantity), signedIn);
}

type CartLine = { product: Product; quantity: number; totalCents: number };

/** The cart's lines in catalogue order (ids no longer in the catalogue are left out). */
export function cartLines(cart: Cart): CartLine[] {
  return PRODUCTS.filter((product) => cart.items[product.id]).map((product) => {
    const quantity = cart.items[product.id];
    return { product, quantity, totalCents: quantity * product.priceCents };
  });
}

export function formatPrice(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
