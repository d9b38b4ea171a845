"use server";

import { revalidatePath } from "next/cache";
import { isFormData, MALFORMED_FORM_MESSAGE } from "@/lib/action-input";
import { SessionDataError } from "@/lib/session-data";
import { cartData } from "./cart-data";
import { findProduct, withAdded, withQuantity } from "./cart-model";

export type CartActionState = { error?: string };

function productFrom(formData: FormData) {
  const id = formData.get("productId");
  return typeof id === "string" && id.length <= 100 ? findProduct(id) : undefined;
}

/** Runs a cart change; a refused write comes back as a message (nothing was saved). */
async function change(run: () => Promise<unknown>): Promise<CartActionState> {
  try {
    await run();
  } catch (error) {
    if (error instanceof SessionDataError) return { error: error.message };
    throw error;
  }
  revalidatePath("/cart");
  return {};
}

export async function addToCart(_prev: CartActionState, formData: FormData): Promise<CartActionState> {
  if (!isFormData(formData)) return { error: MALFORMED_FORM_MESSAGE };
  const product = productFrom(formData);
  if (!product) return { error: "Unknown product." };
  return change(() => cartData.update((cart) => withAdded(cart, product.id)));
}

/** +1 / −1 as a delta inside the atomic update, so two tabs pressing "+" at once add two. */
export async function changeQuantity(_prev: CartActionState, formData: FormData): Promise<CartActionState> {
  if (!isFormData(formData)) return { error: MALFORMED_FORM_MESSAGE };
  const product = productFrom(formData);
  const delta = Number(formData.get("delta"));
  if (!product || (delta !== 1 && delta !== -1)) return { error: "Unknown product or change." };
  return change(() => cartData.update((cart) => withAdded(cart, product.id, delta)));
}

export async function removeFromCart(_prev: CartActionState, formData: FormData): Promise<CartActionState> {
  if (!isFormData(formData)) return { error: MALFORMED_FORM_MESSAGE };
  const product = productFrom(formData);
  if (!product) return { error: "Unknown product." };
  return change(() => cartData.update((cart) => withQuantity(cart, product.id, 0)));
}

export async function emptyCart(): Promise<CartActionState> {
  return change(() => cartData.clear());
}
