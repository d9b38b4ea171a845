"use client";

import { useActionState } from "react";
import { buttonClasses } from "@/components/ui/button-styles";
import { useFormStatus } from "react-dom";
import type { CartActionState } from "./actions";

type CartAction = (prev: CartActionState, formData: FormData) => Promise<CartActionState>;

function Submit({ label, title, className }: { label: string; title?: string; className: string }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      aria-busy={pending}
      title={title}
      className={`${className} disabled:cursor-wait disabled:opacity-60`}
    >
      {label}
    </button>
  );
}

/** One cart change as a form (works before hydration too); a refused change shows its message. */
export function CartButton({
  action,
  fields = {},
  label,
  title,
  testId,
  variant = "secondary",
}: {
  action: CartAction;
  fields?: Record<string, string>;
  label: string;
  title?: string;
  testId?: string;
  variant?: "primary" | "secondary";
}) {
  const [state, formAction] = useActionState(action, {});
  const style = buttonClasses({ variant, size: "sm" });
  return (
    <form action={formAction} data-testid={testId} className="inline-flex flex-col items-end gap-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Submit label={label} title={title} className={style} />
      {state.error ? (
        <span role="alert" className="max-w-xs text-xs text-destructive">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
