import type { TestProject } from "vitest/node";
import { createTemplate, testProvider } from "../../harness/databases";
import { findOrStartPostgres } from "../../harness/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: { provider: "sqlite" | "postgresql"; url: string };
  }
}

// One migrated template per integration run; each test file clones it (tests/support/test-env.ts).
export default async function setup(project: TestProject) {
  const provider = testProvider();
  // `npm test` passes the server it chose in TEST_POSTGRES_URL; a bare `vitest run` finds or starts one here.
  const postgres = provider === "postgresql" && !process.env.TEST_POSTGRES_URL ? await findOrStartPostgres() : null;
  if (postgres) {
    console.log(`PostgreSQL for the tests: ${postgres.summary}`);
    process.env.TEST_POSTGRES_URL = postgres.url;
  }
  const template = await createTemplate(provider).catch(async (error: unknown) => {
    await postgres?.stop();
    throw error;
  });
  project.provide("templateDatabase", { provider: template.provider, url: template.url });
  return async () => {
    await template.drop();
    await postgres?.stop();
  };
}
