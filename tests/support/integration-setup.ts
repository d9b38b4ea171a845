import type { TestProject } from "vitest/node";
import { createTemplate, testProvider } from "./databases";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: { provider: "sqlite" | "postgresql"; url: string };
  }
}

// One migrated template per integration run; each test file clones it (tests/support/test-env.ts).
export default async function setup(project: TestProject) {
  const template = await createTemplate(testProvider());
  project.provide("templateDatabase", { provider: template.provider, url: template.url });
  return () => template.drop();
}
