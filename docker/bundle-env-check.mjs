// Bundles docker/check-env.ts, with the lib/env.ts rules and zod it imports, into one ES module plain Node runs:
// docker/start.mjs imports it in the image. Used by docker/assemble-standalone.mjs (and the test of start.mjs).
import { join } from "node:path";
import { build } from "esbuild"; // installed with tsx

/** Writes the bundle to `outfile`; `root` is the project whose docker/check-env.ts is bundled. */
export async function bundleEnvCheck(root, outfile) {
  await build({
    entryPoints: [join(root, "docker", "check-env.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
}
