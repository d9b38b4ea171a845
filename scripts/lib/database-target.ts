import { isAbsolute, resolve } from "node:path";
import { providerFromUrl } from "../../lib/database-url";
import { projectRoot } from "./env-file";

// How scripts name and reach the configured database. Relative SQLite paths are resolved against the project
// root, as the Prisma CLI does (it starts next to prisma.config.ts) and as the app does (it runs from the root).

/** The absolute file path of a SQLite `file:` URL ("file:./x.db", "file:/abs/x.db" or "file:///abs/x.db"). */
export function sqliteFilePath(url: string, root = projectRoot): string {
  let path = url.slice("file:".length).split("?")[0];
  if (path.startsWith("//")) path = path.slice(2); // file:///abs → /abs (an empty host)
  return isAbsolute(path) ? resolve(path) : resolve(root, path);
}

/**
 * The URL to hand Prisma Studio. Studio 7 only recognises SQLite URLs of the form file://<absolute path>
 * (it splits on "://" and strips "file:"), so relative and single-slash URLs are rewritten. The path is not
 * percent-encoded because Studio does not decode it.
 */
export function studioDatabaseUrl(url: string, root = projectRoot): string {
  return providerFromUrl(url) === "sqlite" ? `file://${sqliteFilePath(url, root)}` : url;
}

/** A human description of the database without credentials, e.g. `SQLite file /app/prisma/dev.db`. */
export function describeDatabase(url: string, root = projectRoot): string {
  if (providerFromUrl(url) === "sqlite") return `SQLite file ${sqliteFilePath(url, root)}`;
  const parsed = new URL(url);
  return `PostgreSQL database "${decodeURIComponent(parsed.pathname.slice(1)) || "(default)"}" on ${parsed.host}`;
}
