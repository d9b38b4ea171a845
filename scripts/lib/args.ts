import { parseArgs, type ParseArgsConfig } from "node:util";
import { ScriptError } from "./prisma-cli";

/**
 * node:util parseArgs, strict (its default): unknown flags and stray arguments are refused, as a short usage error
 * rather than in Node's wording, which suggests passing the flag as a positional.
 */
export function parseCliArgs<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new ScriptError(`${usageMistake(error as Error & { code?: string })}\n\n${usage}`);
  }
}

function usageMistake(error: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && quoted) return `Unknown option ${quoted}; nothing was changed.`;
  if (error.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && quoted)
    return `Unexpected argument "${quoted}"; nothing was changed.`;
  return `${error.message}; nothing was changed.`;
}
