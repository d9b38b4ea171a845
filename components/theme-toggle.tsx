"use client";

import { useTheme } from "next-themes";
import { DropdownMenu } from "radix-ui";
import { useSyncExternalStore } from "react";
import { buttonClasses } from "@/components/ui/button-styles";
import { MonitorIcon, MoonIcon, SunIcon } from "@/components/ui/icons";

const CHOICES = [
  { value: "light", label: "Light", Icon: SunIcon },
  { value: "dark", label: "Dark", Icon: MoonIcon },
  { value: "system", label: "System", Icon: MonitorIcon },
] as const;

const subscribeNothing = () => () => {};

/** Light / dark / system, in a menu in the header. */
export function ThemeToggle() {
  const { theme, resolvedTheme, setTheme } = useTheme();
  // The server cannot know the stored choice: render the neutral icon until hydrated.
  const hydrated = useSyncExternalStore(
    subscribeNothing,
    () => true,
    () => false,
  );
  const Icon = !hydrated ? MonitorIcon : resolvedTheme === "dark" ? MoonIcon : SunIcon;
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        className={buttonClasses({ variant: "ghost", size: "sm", className: "h-9 w-9 px-0!" })}
        aria-label="Theme"
        data-testid="theme-toggle"
      >
        <Icon />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={6}
          className="z-50 min-w-36 rounded-xl border border-border bg-card p-1 text-sm text-card-foreground shadow-lg"
        >
          <DropdownMenu.RadioGroup value={hydrated ? theme : undefined} onValueChange={setTheme}>
            {CHOICES.map(({ value, label, Icon: ChoiceIcon }) => (
              <DropdownMenu.RadioItem
                key={value}
                value={value}
                className="flex cursor-pointer items-center gap-2 rounded-lg px-2 py-1.5 outline-none select-none data-[highlighted]:bg-muted data-[state=checked]:font-semibold"
              >
                <ChoiceIcon />
                {label}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
