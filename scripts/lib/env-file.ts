import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const projectRoot = join(import.meta.dirname, "..", "..");

/** First run: create .env from .env.example with a fresh AUTH_SECRET. Returns true when it created one. */
export function ensureEnvFile(root = projectRoot): boolean {
  const envPath = join(root, ".env");
  if (existsSync(envPath)) return false;
  const example = readFileSync(join(root, ".env.example"), "utf8");
  const secret = randomBytes(32).toString("base64");
  writeFileSync(envPath, example.replace(/^AUTH_SECRET=.*$/m, `AUTH_SECRET=${secret}`), { mode: 0o600 });
  return true;
}

/** Loads .env (without overriding variables already set in the shell), like Next.js does. */
export async function loadEnvFile(root = projectRoot): Promise<void> {
  const { config } = await import("dotenv");
  config({ path: join(root, ".env"), quiet: true });
}
