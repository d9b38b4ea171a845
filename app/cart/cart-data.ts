import "server-only";
import { defineSessionData } from "@/lib/session-data";
import { cartSchema, EMPTY_CART, mergeCarts } from "./cart-model";

/** The visitor's cart, kept on the server for the session (or the anonymous visitor) and carried over on sign-in. */
export const cartData = defineSessionData("cart", cartSchema, { initial: EMPTY_CART, merge: mergeCarts });
