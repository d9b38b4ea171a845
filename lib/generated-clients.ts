import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { prismaPathsFor, type DatabaseProvider } from "./database-url";

// Both Prisma clients (lib/generated/{sqlite,postgresql}) are compiled into the build, so switching DATABASE_URL
// needs no rebuild, and a missing client breaks `next build` / `next dev` with a bare "Module not found".
// next.config.ts runs this first to say what to do instead.

const PROVIDERS: DatabaseProvider[] = ["sqlite", "postgresql"];

export const clientDir = (provider: DatabaseProvider) => `lib/generated/${provider}`;

/** The schema text the client was generated from (Prisma embeds it), or null if that cannot be read. */
function embeddedSchema(root: string, provider: DatabaseProvider): string | null {
  try {
    const source = readFileSync(join(root, clientDir(provider), "internal", "class.ts"), "utf8");
    const match = source.match(/^\s*"inlineSchema": (".*"),$/m);
    return match ? (JSON.parse(match[1]) as string) : null;
  } catch {
    return null; // another Prisma version lays its files out differently: no verdict rather than a false alarm
  }
}

// Prisma may re-align the embedded copy, so only the tokens are compared.
const normalize = (schema: string) =>
  schema
    .replace(/[ \t]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();

export type GeneratedClientProblems = { missing: DatabaseProvider[]; stale: DatabaseProvider[] };

export function generatedClientProblems(root: string): GeneratedClientProblems {
  const problems: GeneratedClientProblems = { missing: [], stale: [] };
  for (const provider of PROVIDERS) {
    if (!existsSync(join(root, clientDir(provider), "client.ts"))) {
      problems.missing.push(provider);
      continue;
    }
    const embedded = embeddedSchema(root, provider);
    const schemaPath = join(root, prismaPathsFor(provider).schema);
    if (
      embedded !== null &&
      existsSync(schemaPath) &&
      normalize(embedded) !== normalize(readFileSync(schemaPath, "utf8"))
    ) {
      problems.stale.push(provider);
    }
  }
  return problems;
}

/** For next.config.ts: throws (missing client) or warns (client older than its schema) with the command to run. */
export function assertGeneratedClients(root: string): void {
  const { missing, stale } = generatedClientProblems(root);
  if (missing.length) {
    throw new Error(
      `The generated Prisma client is missing for ${missing.join(" and ")} (${missing.map((p) => `${clientDir(p)}/client.ts`).join(", ")}).\n` +
        "Run `npm run db:generate` (it generates both clients; the app bundles both so DATABASE_URL can switch without a rebuild).",
    );
  }
  if (stale.length) {
    console.warn(
      `⚠ The generated Prisma client for ${stale.join(" and ")} is older than its schema (${stale.map((p) => prismaPathsFor(p).schema).join(", ")}).\n` +
        "  Run `npm run db:sync-schemas && npm run db:generate`, and create a migration if you changed models.",
    );
  }
}
