// Which database a DATABASE_URL points at. Shared by prisma.config.ts, the app and the scripts,
// so the provider always follows the URL.
export type DatabaseProvider = "sqlite" | "postgresql";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.db";

/** The provider a URL points at, or null when it is neither. */
export function providerOf(url: string): DatabaseProvider | null {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) return "postgresql";
  return null;
}

export function providerFromUrl(url: string): DatabaseProvider {
  const provider = providerOf(url);
  if (provider) return provider;
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgresql://" / "postgres://" (PostgreSQL); got "${url.split(":")[0]}:…"`,
  );
}

/** Paths of the Prisma schema and migrations for a provider (relative to the project root). */
export function prismaPathsFor(provider: DatabaseProvider) {
  return provider === "sqlite"
    ? { schema: "prisma/schema.prisma", migrations: "prisma/migrations" }
    : { schema: "prisma/postgresql/schema.prisma", migrations: "prisma/postgresql/migrations" };
}
