import { EnvError, parseEnv, type Env } from "../../lib/env";
import { projectRoot } from "./env-file";
import { ScriptError } from "./prisma-cli";

/**
 * The environment of the `next start` that follows (`npm start`), checked before anything touches the database:
 * loaded from the files Next loads for it (.env.production.local, .env.local, .env.production, .env; the shell's
 * variables win) and validated as the production build it serves is validated (lib/env.ts), whatever NODE_ENV says.
 * Refused with every missing or bad variable named, like the server would refuse after migrating.
 */
export async function serverStartEnv(root = projectRoot): Promise<Env> {
  const { loadEnvConfig } = await import("@next/env");
  loadEnvConfig(root, false, { info: () => {}, error: console.error });
  try {
    return parseEnv(process.env, { productionBuild: true });
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    throw new ScriptError(
      `${error.message}\n\nNothing was migrated and the server was not started. See .env.example for every variable.`,
    );
  }
}
