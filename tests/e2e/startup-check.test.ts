import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { prismaPathsFor, providerFromUrl } from "../../lib/database-url";
import { migrationFolders } from "../../lib/migration-status";
import { createEmptyDatabase, createTemplate, projectRoot, tmpDir, type TestDatabase } from "../../harness/databases";
import { e2eTarget } from "../support/e2e-env";
import { freePort, serverEnv, startServer } from "../../harness/server";

// `next start` checks the database schema before serving (instrumentation.ts → lib/startup-check.ts): a database
// the code does not match stops the server with the command to run; a database that is down does not.
// The check does not depend on the session strategy, so it runs once per provider (in the database-strategy run).
const { strategy, databaseUrl } = e2eTarget();
const provider = providerFromUrl(databaseUrl);

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The output of a server that must refuse to start (startServer throws with it when the process exits). */
async function refusedStart(databaseUrl: string, settings: Record<string, string> = {}): Promise<string> {
  const error = await startServer(serverEnv({ DATABASE_URL: databaseUrl, ...settings })).then(
    async (server) => {
      await server.stop();
      return null;
    },
    (e: Error) => e,
  );
  expect(error, "next start should have exited").toBeInstanceOf(Error);
  return error!.message;
}

describe.skipIf(strategy !== "database")(
  `startup schema check (${provider}; runs in the database-strategy run only, it does not depend on the strategy)`,
  () => {
    it("exits 1 on a database without tables and says to run `npm run db:migrate`", async () => {
      const empty = await createEmptyDatabase(provider);
      cleanups.push(empty.drop);
      const output = await refusedStart(empty.url);
      expect(output).toContain("next start exited with 1");
      expect(output).toContain(`The ${provider} database has no tables from this app`);
      expect(output).toContain("npm run db:migrate");
    });

    it("exits 1 naming the migration that is not applied", async () => {
      const migrated: TestDatabase = await createTemplate(provider);
      cleanups.push(migrated.drop);
      const newest = migrationFolders(join(projectRoot, prismaPathsFor(provider).migrations))!.at(-1)!;
      await deleteMigrationRow(migrated.url, newest);
      const output = await refusedStart(migrated.url);
      expect(output).toContain("next start exited with 1");
      expect(output).toContain(`1 migration(s) not applied to the ${provider} database`);
      expect(output).toContain(newest);
      expect(output).toContain("npm run db:migrate");
    });

    it("starts anyway when the database is unreachable, and reports 503 until it answers", async () => {
      const unreachable =
        provider === "postgresql"
          ? `postgresql://postgres@127.0.0.1:${await freePort()}/nothing_listens_here` // nothing listens on that port
          : `file:${join(tmpDir, "no-such-directory", "app.db")}`; // SQLite cannot create a file there
      const server = await startServer(serverEnv({ DATABASE_URL: unreachable }));
      cleanups.push(server.stop);
      const response = await fetch(`${server.url}/api/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ ok: false, database: "down" });
      expect(server.output()).toContain(`Could not check the ${provider} database schema`);
    });
  },
);

describe.skipIf(strategy !== "database")("startup environment check", () => {
  it("exits 1 without SMTP_URL, naming it (production sends real mail)", async () => {
    const output = await refusedStart(databaseUrl, { SMTP_URL: "" });
    expect(output).toContain("next start exited with 1");
    expect(output).toContain("SMTP_URL: required in production");
  });

  it("a production build started with NODE_ENV=development is still production: it names what production needs", async () => {
    // next.config.ts has `next build` inline the flag lib/env.ts reads: only a real build can show that it does.
    const output = await refusedStart(databaseUrl, { NODE_ENV: "development", SMTP_URL: "", AUTH_LINK_HOSTS: "" });
    expect(output).toContain("next start exited with 1");
    expect(output).toContain("SMTP_URL: required in production");
    expect(output).toContain("AUTH_URL: required in production");
  });
});

async function deleteMigrationRow(url: string, name: string): Promise<void> {
  if (provider === "postgresql") {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("DELETE FROM _prisma_migrations WHERE migration_name = $1", [name]);
    } finally {
      await client.end();
    }
    return;
  }
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(url.replace(/^file:/, ""));
  try {
    db.prepare("DELETE FROM _prisma_migrations WHERE migration_name = ?").run(name);
  } finally {
    db.close();
  }
}
