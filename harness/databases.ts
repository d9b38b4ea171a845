import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import type { DatabaseProvider } from "../lib/database-url";
import { MACHINE_POSTGRES_URL } from "./postgres";

// Throwaway databases for tests: a template is migrated once per run with the real `prisma migrate deploy`,
// then every test file / e2e run gets its own copy (file copy for SQLite, CREATE DATABASE … TEMPLATE for PostgreSQL).

export const projectRoot = join(import.meta.dirname, "..");
export const tmpDir = join(projectRoot, ".tmp");

/**
 * Admin connection used to create and drop PostgreSQL test databases. Read on each use: the test runner and the
 * integration setup set TEST_POSTGRES_URL once they have found or started a server (harness/postgres.ts).
 */
export function postgresAdminUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? MACHINE_POSTGRES_URL;
}

export function testProvider(): DatabaseProvider {
  const value = process.env.TEST_DATABASE_PROVIDER ?? "sqlite";
  if (value !== "sqlite" && value !== "postgresql")
    throw new Error(`TEST_DATABASE_PROVIDER must be sqlite or postgresql, got ${value}`);
  return value;
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

function postgresUrlFor(database: string): string {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function migrate(url: string): void {
  const bin = join(projectRoot, "node_modules", "prisma", "build", "index.js");
  const result = spawnSync(process.execPath, [bin, "migrate", "deploy"], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`prisma migrate deploy failed for ${url}:\n${result.stdout}\n${result.stderr}`);
}

export type Template = { provider: DatabaseProvider; url: string; drop: () => Promise<void> };

/** Creates and migrates a template database for this run. */
export async function createTemplate(provider: DatabaseProvider): Promise<Template> {
  if (provider === "sqlite") {
    mkdirSync(tmpDir, { recursive: true });
    const path = join(tmpDir, `${uniqueName("template")}.db`);
    migrate(`file:${path}`);
    return { provider, url: `file:${path}`, drop: async () => rmSync(path, { force: true }) };
  }
  const name = uniqueName("starter_template");
  const url = postgresUrlFor(name);
  migrate(url); // creates the database
  return {
    provider,
    url,
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

export type TestDatabase = { url: string; drop: () => Promise<void> };

/** A fresh, migrated, empty database copied from the template. */
export async function cloneTemplate(template: Pick<Template, "provider" | "url">): Promise<TestDatabase> {
  if (template.provider === "sqlite") {
    const path = join(tmpDir, `${uniqueName("test")}.db`);
    copyFileSync(template.url.replace(/^file:/, ""), path);
    return {
      url: `file:${path}`,
      drop: async () => {
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(path + suffix, { force: true });
      },
    };
  }
  const name = uniqueName("starter_test");
  const templateName = new URL(template.url).pathname.slice(1);
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`));
  return {
    url: postgresUrlFor(name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A database with no tables at all (as if `npm run db:migrate` was never run). */
export async function createEmptyDatabase(provider: DatabaseProvider): Promise<TestDatabase> {
  if (provider === "sqlite") {
    mkdirSync(tmpDir, { recursive: true });
    const path = join(tmpDir, `${uniqueName("empty")}.db`);
    return {
      url: `file:${path}`,
      drop: async () => {
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(path + suffix, { force: true });
      },
    };
  }
  const name = uniqueName("starter_empty");
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    url: postgresUrlFor(name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
