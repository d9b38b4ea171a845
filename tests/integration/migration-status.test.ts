import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prismaPathsFor } from "../../lib/database-url";
import { createDb } from "../../lib/db";
import { parseEnv } from "../../lib/env";
import { describeMigrationStatus, migrationFolders, migrationStatus } from "../../lib/migration-status";
import { createEmptyDatabase, projectRoot, testProvider } from "../../harness/databases";
import { createTestContext, type TestContext } from "../support/test-env";
import { join } from "node:path";

// The startup schema check (lib/startup-check.ts) against real databases: migrated, behind, broken and empty.
const provider = testProvider();
const folders = migrationFolders(join(projectRoot, prismaPathsFor(provider).migrations))!;
const newest = folders.at(-1)!;

describe(`migration status (${provider})`, () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.cleanup());

  it("finds the committed migrations on disk", () => {
    expect(folders.length).toBeGreaterThanOrEqual(2);
    expect(folders).toEqual([...folders].sort());
  });

  it("is up to date right after `prisma migrate deploy`", async () => {
    const status = await migrationStatus(ctx.db, provider, projectRoot);
    expect(status).toEqual({ kind: "up-to-date", applied: folders.length, unknown: [] });
    expect(describeMigrationStatus(status, provider).fatal).toBe(false);
  });

  it("names a migration that was never applied, and says to run db:migrate", async () => {
    await ctx.db.$executeRawUnsafe(`DELETE FROM _prisma_migrations WHERE migration_name = '${newest}'`);
    const status = await migrationStatus(ctx.db, provider, projectRoot);
    expect(status).toEqual({ kind: "pending", pending: [newest] });
    const { fatal, message } = describeMigrationStatus(status, provider);
    expect(fatal).toBe(true);
    expect(message).toContain(newest);
    expect(message).toContain("npm run db:migrate");
  });

  it("reports a migration that started but never finished", async () => {
    await ctx.db.$executeRawUnsafe(
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) " +
        `VALUES ('broken-1', 'x', '${newest}', CURRENT_TIMESTAMP, 0)`,
    );
    const status = await migrationStatus(ctx.db, provider, projectRoot);
    expect(status).toEqual({ kind: "failed", failed: [newest] });
    expect(describeMigrationStatus(status, provider).message).toContain("prisma migrate resolve");
  });

  it("tolerates migrations the code does not know (database ahead of an older release)", async () => {
    await ctx.db.$executeRawUnsafe("DELETE FROM _prisma_migrations WHERE id = 'broken-1'");
    await ctx.db.$executeRawUnsafe(
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES " +
        `('restored', 'x', '${newest}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1), ` +
        "('from-the-future', 'x', '29990101000000_future', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
    );
    const status = await migrationStatus(ctx.db, provider, projectRoot);
    expect(status).toEqual({ kind: "up-to-date", applied: folders.length + 1, unknown: ["29990101000000_future"] });
    expect(describeMigrationStatus(status, provider)).toMatchObject({
      fatal: false,
      message: expect.stringContaining("29990101000000_future"),
    });
  });

  it("skips (not fatal) when the migrations folder is not deployed with the app", async () => {
    const status = await migrationStatus(ctx.db, provider, join(projectRoot, "no-such-dir"));
    expect(status.kind).toBe("no-migrations-folder");
    expect(describeMigrationStatus(status, provider).fatal).toBe(false);
  });

  it("says a database without tables needs `npm run db:migrate`", async () => {
    const empty = await createEmptyDatabase(provider);
    const db = createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: empty.url }));
    try {
      const status = await migrationStatus(db, provider, projectRoot);
      expect(status).toEqual({ kind: "not-migrated" });
      expect(describeMigrationStatus(status, provider)).toMatchObject({
        fatal: true,
        message: expect.stringContaining("npm run db:migrate"),
      });
    } finally {
      await db.$disconnect();
      await empty.drop();
    }
  });
});
