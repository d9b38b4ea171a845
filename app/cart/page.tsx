import Link from "next/link";
import { Badge, Card } from "@/components/ui";
import { verifySession } from "@/lib/dal";
import { loginUrl } from "@/lib/login-url";
import { addToCart, changeQuantity, emptyCart, removeFromCart } from "./actions";
import { CartButton } from "./cart-button";
import { cartData } from "./cart-data";
import { cartLines, formatPrice, PRODUCTS } from "./cart-model";

export const metadata = { title: "Cart · Auth Starter" };

export default async function CartPage() {
  const [cart, session] = await Promise.all([cartData.get(), verifySession()]);
  const lines = cartLines(cart);
  const totalCents = lines.reduce((sum, line) => sum + line.totalCents, 0);
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">Cart</h1>
        <p className="max-w-2xl text-sm text-muted-foreground">
          Server-side session data: the cart lives in the database, attached to{" "}
          {session
            ? "your session, and is deleted when the session ends"
            : "this browser (an anonymous cookie) until you sign in"}
          .
          {session ? null : (
            <>
              {" "}
              <Link href={loginUrl("/cart")} className="font-medium text-primary hover:underline">
                Sign in
              </Link>{" "}
              and it comes with you.
            </>
          )}
        </p>
      </div>

      <div className="grid gap-6 md:grid-cols-[3fr_2fr]">
        <Card title="Products">
          <ul className="divide-y divide-border">
            {PRODUCTS.map((product) => (
              <li key={product.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-3">
                <div>
                  <p className="font-medium text-foreground">{product.name}</p>
                  <p className="text-xs text-muted-foreground">
                    {product.description} · {formatPrice(product.priceCents)}
                  </p>
                </div>
                <CartButton
                  action={addToCart}
                  fields={{ productId: product.id }}
                  label="Add to cart"
                  variant="primary"
                  testId={`add-${product.id}`}
                />
              </li>
            ))}
          </ul>
        </Card>

        <Card
          title={
            <span className="flex items-center gap-2">
              Your cart <Badge tone="indigo">{session ? "session" : "anonymous"}</Badge>
            </span>
          }
        >
          {lines.length === 0 ? (
            <p className="text-sm text-muted-foreground" data-testid="cart-empty">
              Your cart is empty.
            </p>
          ) : (
            <div className="space-y-4">
              <ul className="divide-y divide-border" data-testid="cart-lines">
                {lines.map(({ product, quantity, totalCents }) => (
                  <li
                    key={product.id}
                    className="flex flex-wrap items-center justify-between gap-x-3 gap-y-2 py-2"
                    data-testid={`cart-line-${product.id}`}
                  >
                    <div>
                      <p className="text-sm font-medium text-foreground">{product.name}</p>
                      <p className="text-xs text-muted-foreground">
                        <span data-testid={`cart-qty-${product.id}`}>{quantity}</span> ×{" "}
                        {formatPrice(product.priceCents)} = {formatPrice(totalCents)}
                      </p>
                    </div>
                    <div className="flex items-start gap-1">
                      <CartButton
                        action={changeQuantity}
                        fields={{ productId: product.id, delta: "-1" }}
                        label="−"
                        title="One less"
                        testId={`less-${product.id}`}
                      />
                      <CartButton
                        action={changeQuantity}
                        fields={{ productId: product.id, delta: "1" }}
                        label="+"
                        title="One more"
                        testId={`more-${product.id}`}
                      />
                      <CartButton
                        action={removeFromCart}
                        fields={{ productId: product.id }}
                        label="Remove"
                        testId={`remove-${product.id}`}
                      />
                    </div>
                  </li>
                ))}
              </ul>
              <div className="flex items-center justify-between border-t border-border pt-3">
                <p className="text-sm font-semibold">
                  Total <span data-testid="cart-total">{formatPrice(totalCents)}</span>
                </p>
                <CartButton action={emptyCart} label="Empty cart" testId="empty-cart" />
              </div>
            </div>
          )}
        </Card>
      </div>
    </div>
  );
}
