import { parseArgs, type ParseArgsConfig } from "node:util";
import { ScriptError } from "./prisma-cli";

/** node:util parseArgs, with mistakes (unknown flag, missing value) reported as a usage error. */
export function parseCliArgs<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new ScriptError(`${(error as Error).message}\n\n${usage}`);
  }
}
