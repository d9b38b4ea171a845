import { createDb, type Db } from "../lib/db";
import type { DatabaseProvider } from "../lib/database-url";
import { parseEnv } from "../lib/env";
import { DEMO_USERS, seed } from "../lib/seed";
import { cloneTemplate, createTemplate, type Template } from "../harness/databases";

// Throwaway databases for the benchmark: one migrated template per provider (`prisma migrate deploy`, via the
// test harness), cloned and seeded for each measurement, dropped at the end even when a phase fails.

export type BenchDatabase = { provider: DatabaseProvider; url: string; userId: string; drop: () => Promise<void> };

export const BENCH_USER = DEMO_USERS.user;

export function openDb(url: string): Db {
  return createDb(parseEnv({ DATABASE_URL: url }));
}

export class BenchDatabases {
  private readonly templates = new Map<DatabaseProvider, Promise<Template>>();
  private readonly open = new Set<() => Promise<void>>();

  /** A fresh migrated database with the demo users, their passwords hashed at `cost`. */
  async create(provider: DatabaseProvider, cost: number): Promise<BenchDatabase> {
    let template = this.templates.get(provider);
    if (!template) {
      template = createTemplate(provider);
      this.templates.set(provider, template);
    }
    const database = await cloneTemplate(await template);
    const drop = async () => {
      this.open.delete(drop);
      await database.drop();
    };
    this.open.add(drop);
    const db = openDb(database.url);
    try {
      await seed(db, { cost, production: false });
      const user = await db.user.findUniqueOrThrow({ where: { email: BENCH_USER.email }, select: { id: true } });
      return { provider, url: database.url, userId: user.id, drop };
    } finally {
      await db.$disconnect();
    }
  }

  /** Drops every database and template still there. */
  async dropAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const drop of [...this.open]) await drop().catch((error) => failures.push(error));
    for (const template of this.templates.values()) {
      await template.then((t) => t.drop()).catch((error) => failures.push(error));
    }
    this.templates.clear();
    if (failures.length) console.warn(`Could not drop ${failures.length} benchmark database(s):`, failures);
  }
}
