// Completes Next's standalone output (`NEXT_OUTPUT=standalone next build`) into the folder the Docker image runs:
//   node docker/assemble-standalone.mjs [distDir]      (default .next; run from the project root after the build)
// The Dockerfile runs it and copies <distDir>/standalone as the whole app; the standalone test runs the same script,
// so what is tested is what the image holds.
//
// Next's file tracing puts the server, the traced node_modules (drivers, adapters, generated clients) and the
// build's server files there. Left out, and added here:
//   - the browser assets (<distDir>/static) and public/, which Next expects a CDN or the image to serve;
//   - what `prisma migrate deploy` needs on start: prisma/ (schemas and migrations of both providers; the server's
//     startup check also reads the migration folders), prisma.config.ts with the module it imports, and the Prisma
//     CLI with every package it depends on;
//   - the packages the password workers load by path (see RUNTIME_PACKAGES);
//   - docker/start.mjs, the entry point, and docker/check-env.mjs, the environment check it runs before migrating
//     (bundled here from docker/check-env.ts).
// And taken out: the .env files Next copies in, so no secret or development setting ends up in the image.
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { bundleEnvCheck } from "./bundle-env-check.mjs";

const root = process.cwd();
const distDir = process.argv[2] || ".next";
const standalone = join(root, distDir, "standalone");

if (!existsSync(join(standalone, "server.js"))) {
  console.error(
    `${relative(root, standalone)}/server.js is missing: build with \`NEXT_OUTPUT=standalone next build\` first.`,
  );
  process.exit(1);
}

/** Copies a project file or folder to the same place in the standalone folder. */
function include(path, filter) {
  const source = join(root, path);
  if (!existsSync(source)) return;
  cpSync(source, join(standalone, path), { recursive: true, filter, verbatimSymlinks: true });
}

/** node_modules folders a package's dependencies are looked up in, nearest first (Node's resolution). */
function lookupFolders(packageDir) {
  const folders = [];
  for (let dir = packageDir; dir.startsWith(root); dir = dirname(dir)) {
    if (!dir.endsWith("/node_modules")) folders.push(join(dir, "node_modules"));
    if (dir === root) break;
  }
  return folders;
}

/** The installed folders of `names` and of everything they depend on (optional dependencies when installed). */
function dependencyClosure(names) {
  const found = new Set();
  const visit = (name, from) => {
    const dir = lookupFolders(from)
      .map((folder) => join(folder, name))
      .find((candidate) => existsSync(join(candidate, "package.json")));
    if (!dir) {
      throw new Error(`${name} (needed by ${relative(root, from) || "the project"}) is not installed: run npm ci.`);
    }
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, dir);
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {})) {
      if (lookupFolders(dir).some((folder) => existsSync(join(folder, dependency, "package.json"))))
        visit(dependency, dir);
    }
  };
  for (const name of names) visit(name, root);
  return [...found];
}

// A build's static folder, public/ and the Prisma folder hold no databases of a developer's machine.
const noDatabaseFiles = (source) => !/\.db(-journal|-wal|-shm)?$/.test(source);

include(join(distDir, "static"));
include("public");
include("prisma", noDatabaseFiles);
include("prisma.config.ts");
include("lib/database-url.ts");
include("docker/start.mjs");
await bundleEnvCheck(root, join(standalone, "docker", "check-env.mjs"));
// Packages the server reaches without an import that tracing could follow, each with everything it depends on:
// the Prisma CLI (migrate deploy) and dotenv (imported by prisma.config.ts), and the packages the worker threads load
// from paths resolved at run time (bcryptjs in lib/password-pool.ts, zxcvbn in lib/password-strength.ts).
const RUNTIME_PACKAGES = [
  "prisma",
  "dotenv",
  "bcryptjs",
  "@zxcvbn-ts/core",
  "@zxcvbn-ts/language-common",
  "@zxcvbn-ts/language-en",
];
// Copied from the node_modules the build traced, so a package both need is the same copy.
for (const dir of dependencyClosure(RUNTIME_PACKAGES)) {
  // Nested node_modules are packages of their own, reached through the closure if needed.
  const nested = join(dir, "node_modules");
  cpSync(dir, join(standalone, relative(root, dir)), {
    recursive: true,
    force: false,
    verbatimSymlinks: true,
    filter: (source) => source !== nested,
  });
}
for (const file of [".env", ".env.production"]) rmSync(join(standalone, file), { force: true });

console.log(
  `Standalone app assembled in ${relative(root, standalone)}: start it with \`node docker/start.mjs\` there.`,
);
