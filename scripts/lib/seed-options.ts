import type { Env } from "../../lib/env";
import { checkSeedOptions, SeedInputError, seedInputFromEnv, type SeedOptions } from "../../lib/seed";
import { ScriptError } from "./prisma-cli";

/**
 * What the scripts seed: the demo accounts, or the SEED_* variables' email and password in their place, checked
 * with the app's rules before anything is written (a refusal names the variable and changes nothing).
 */
export async function checkedSeedOptions(env: Env): Promise<SeedOptions> {
  const options: SeedOptions = {
    cost: env.AUTH_BCRYPT_COST,
    production: env.NODE_ENV === "production",
    passwordMinScore: env.AUTH_PASSWORD_MIN_SCORE,
    ...seedInputFromEnv(process.env),
  };
  try {
    await checkSeedOptions(options);
  } catch (error) {
    if (error instanceof SeedInputError) throw new ScriptError(`${error.message}\nNothing was changed.`);
    throw error;
  }
  return options;
}

/** True when the seed uses a published demo password (worth pointing at the README). */
export const usesDemoPasswords = (options: SeedOptions) => !options.admin?.password || !options.user?.password;
