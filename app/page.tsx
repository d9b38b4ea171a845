import Link from "next/link";
import { RoleBadge } from "@/components/role-badge";
import { Badge, Card } from "@/components/ui";
import { buttonClasses } from "@/components/ui/button-styles";
import { verifySession } from "@/lib/dal";
import { getEnv } from "@/lib/env";

export default async function HomePage() {
  const session = await verifySession();
  const { AUTH_SESSION_STRATEGY: strategy, databaseProvider } = getEnv();
  return (
    <div className="space-y-8">
      <div className="space-y-3">
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">
          Email + password sign-in, two session strategies
        </h1>
        <p className="max-w-2xl text-muted-foreground">
          A Next.js starter on Auth.js and Prisma. Sign in with credentials, carry role and permission claims, and
          switch between database sessions and JWT sessions with one environment variable.
        </p>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-muted-foreground">Active strategy:</span>
          <Badge tone="indigo">
            <span data-testid="strategy">{strategy}</span>
          </Badge>
          <span className="text-muted-foreground">Database:</span>
          <Badge>{databaseProvider}</Badge>
        </div>
      </div>
      <Card>
        {session ? (
          <div className="flex flex-wrap items-center justify-between gap-4">
            <p>
              Signed in as <strong className="wrap-anywhere">{session.user.email}</strong>{" "}
              <RoleBadge role={session.user.role} />
            </p>
            <Link href="/dashboard" className={buttonClasses()}>
              Go to dashboard
            </Link>
          </div>
        ) : (
          <div className="flex flex-wrap items-center justify-between gap-4">
            <p className="text-muted-foreground">You are not signed in. Sign in or create an account.</p>
            <div className="flex gap-3">
              <Link href="/login" className={buttonClasses()}>
                Sign in
              </Link>
              <Link href="/register" className={buttonClasses({ variant: "secondary" })}>
                Create account
              </Link>
            </div>
          </div>
        )}
      </Card>
      <div className="grid gap-4 md:grid-cols-2">
        <Card title="database sessions">
          <p className="text-sm text-muted-foreground">
            The cookie is an opaque 256-bit token; the Session table stores only its SHA-256 hash. Revocation is instant
            (delete the row) and role changes apply on the next request, at the cost of one indexed lookup per request.
          </p>
        </Card>
        <Card title="JWT sessions">
          <p className="text-sm text-muted-foreground">
            The cookie is an encrypted token carrying the claims: no database read per request. Roles, permissions and
            disabled accounts are re-checked against the database at most every AUTH_JWT_RECHECK_SECONDS.
          </p>
        </Card>
      </div>
      <Card title="Server-side session data">
        <p className="text-sm text-muted-foreground">
          Small per-session state kept in the database, not in the cookie, in both strategies and before sign-in: try
          the{" "}
          <Link href="/cart" className="font-medium text-primary hover:underline">
            cart
          </Link>{" "}
          (it follows you when you sign in) and a{" "}
          <Link href="/onboarding" className="font-medium text-primary hover:underline">
            two-step form
          </Link>{" "}
          whose draft waits on the server between the steps.
        </p>
      </Card>
    </div>
  );
}
