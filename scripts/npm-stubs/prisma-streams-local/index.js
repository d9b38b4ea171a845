// Loaded only when Prisma starts a local Prisma Postgres server (see README.md next to this file).
const MESSAGE =
  "A local Prisma Postgres server is not available in this project: package.json replaces its " +
  "@prisma/streams-local dependency (which needs Node.js 22+) with a stand-in. Use SQLite (the default " +
  "DATABASE_URL) or a PostgreSQL server; see scripts/npm-stubs/prisma-streams-local/README.md.";

export async function startLocalDurableStreamsServer() {
  throw new Error(MESSAGE);
}
