"use client";

import { AlertDialog } from "radix-ui";
import { useRef, type ReactNode } from "react";
import { buttonClasses } from "@/components/ui/button-styles";

/**
 * A button that asks before it submits the form it sits in. The trigger is `type="button"`, so nothing happens
 * until Confirm; Confirm then calls `requestSubmit()` on the trigger's form, so server-action forms keep their
 * hidden inputs, validation and pending state.
 */
export function ConfirmButton({
  children,
  title,
  description,
  confirmLabel,
  destructive = false,
  className,
  disabled,
}: {
  children: ReactNode;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: ReactNode;
  destructive?: boolean;
  className?: string;
  disabled?: boolean;
}) {
  const triggerRef = useRef<HTMLButtonElement>(null);
  const variant = destructive ? "destructive" : "primary";
  return (
    <AlertDialog.Root>
      <AlertDialog.Trigger asChild>
        <button
          ref={triggerRef}
          type="button"
          disabled={disabled}
          className={className ?? buttonClasses({ variant: destructive ? "secondary" : "primary", size: "sm" })}
        >
          {children}
        </button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-50 bg-black/50" />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-2xl border border-border bg-card p-6 text-card-foreground shadow-lg focus:outline-none">
          <AlertDialog.Title className="text-lg font-semibold">{title}</AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-muted-foreground">
            {description}
          </AlertDialog.Description>
          <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <AlertDialog.Cancel className={buttonClasses({ variant: "secondary" })}>Cancel</AlertDialog.Cancel>
            <AlertDialog.Action
              className={buttonClasses({ variant })}
              onClick={() => triggerRef.current?.closest("form")?.requestSubmit()}
            >
              {confirmLabel}
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
