// One colour per role on every page; roles the starter does not know get the neutral look.
const ROLE_STYLES: Record<string, string> = {
  admin:
    "bg-violet-100 text-violet-800 ring-violet-300 dark:bg-violet-500/15 dark:text-violet-200 dark:ring-violet-400/40",
  user: "bg-sky-100 text-sky-800 ring-sky-300 dark:bg-sky-500/15 dark:text-sky-200 dark:ring-sky-400/40",
};

const NEUTRAL = "bg-muted text-muted-foreground ring-border";

export function RoleBadge({ role }: { role: string }) {
  return (
    <span
      data-role={role}
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${
        ROLE_STYLES[role] ?? NEUTRAL
      }`}
    >
      {role}
    </span>
  );
}
