// What docker/start.mjs checks before it migrates: the environment, under the rules of the production build it is
// about to start (lib/env.ts). The image has neither the sources nor a TypeScript loader, so
// docker/assemble-standalone.mjs bundles this file (zod and all) into the standalone folder as docker/check-env.mjs.
import { EnvError, parseEnv } from "../lib/env";

/** Why the server would refuse this environment (every bad variable named), or null when it would start. */
export function environmentProblem(source: Record<string, string | undefined>): string | null {
  try {
    parseEnv(source, { productionBuild: true });
    return null;
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
}
