"use client";

import type { ReactNode } from "react";
import { toast } from "sonner";

/**
 * A form for a server action that returns nothing: once the action is done (and the page has re-rendered), a toast
 * says what happened, so the result is not a silent reload.
 */
export function ActionForm({
  action,
  success,
  className,
  children,
}: {
  action: (formData: FormData) => Promise<void>;
  /** Shown when the action finished; none when it navigates away. */
  success?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <form
      className={className}
      action={async (formData) => {
        await action(formData);
        if (success) toast.success(success);
      }}
    >
      {children}
    </form>
  );
}
