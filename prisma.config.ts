import "dotenv/config";
import { defineConfig } from "prisma/config";
import { DEFAULT_DATABASE_URL, prismaPathsFor, providerFromUrl } from "./lib/database-url";

// The provider follows DATABASE_URL: file:… → SQLite schema + migrations, postgresql://… → PostgreSQL ones.
const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const paths = prismaPathsFor(providerFromUrl(url));

export default defineConfig({
  schema: paths.schema,
  migrations: { path: paths.migrations },
  datasource: { url },
});
