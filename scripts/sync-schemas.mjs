// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma (the only file to edit).
// `node scripts/sync-schemas.mjs --check` exits 1 when the generated file is out of date.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sourcePath = join(root, "prisma/schema.prisma");
const targetPath = join(root, "prisma/postgresql/schema.prisma");

export function postgresSchemaFrom(source) {
  const header = "// GENERATED from prisma/schema.prisma by scripts/sync-schemas.mjs. Do not edit by hand.\n";
  const body = source
    .replace(/^\/\/ The single source of truth[\s\S]*?\n\n/m, "")
    .replace('output   = "../lib/generated/sqlite"', 'output   = "../../lib/generated/postgresql"')
    .replace('provider = "sqlite"', 'provider = "postgresql"');
  if (!body.includes('"postgresql"') || !body.includes("generated/postgresql")) {
    throw new Error("sync-schemas: could not rewrite the datasource/generator blocks; update this script");
  }
  return header + body;
}

const expected = postgresSchemaFrom(readFileSync(sourcePath, "utf8"));
if (process.argv.includes("--check")) {
  let actual = "";
  try {
    actual = readFileSync(targetPath, "utf8");
  } catch {}
  if (actual !== expected) {
    console.error("prisma/postgresql/schema.prisma is out of date: run `npm run db:sync-schemas`.");
    process.exit(1);
  }
  console.log("prisma/postgresql/schema.prisma is in sync.");
} else {
  mkdirSync(dirname(targetPath), { recursive: true });
  writeFileSync(targetPath, expected);
  console.log("wrote prisma/postgresql/schema.prisma");
}
