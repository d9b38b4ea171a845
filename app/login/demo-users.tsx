import { Notice } from "@/components/ui";
import { DEMO_USERS } from "@/lib/seed";

/**
 * Outside production, the accounts `npm run db:seed` creates, so a first sign-in needs no trip to the README.
 * Production builds never show them (the seed refuses the published passwords there anyway).
 */
export function DemoUsers({ nodeEnv = process.env.NODE_ENV }: { nodeEnv?: string }) {
  if (nodeEnv === "production") return null;
  return (
    <section aria-labelledby="demo-users-title" data-testid="demo-users">
      <Notice tone="warning">
        <span id="demo-users-title" className="block font-semibold">
          Demo users (development only)
        </span>
        Created by <code>npm run db:seed</code> unless SEED_* variables set others.
      </Notice>
      <ul className="mt-3 grid gap-2 sm:grid-cols-2">
        {Object.values(DEMO_USERS).map((user) => (
          <li key={user.email} className="rounded-lg border border-border bg-card p-3 text-sm">
            <span className="block font-medium">{user.name}</span>
            <span className="block text-muted-foreground wrap-anywhere">{user.email}</span>
            <code className="block text-muted-foreground wrap-anywhere">{user.password}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
