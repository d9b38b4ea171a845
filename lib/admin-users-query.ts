import { z } from "zod";

// What /admin's query string may ask for: a search, filters, a sort and a page. Each parameter is read on its
// own, so one malformed value (repeated, too long, unknown) falls back to its default with a message and the
// others still apply. Unknown parameters are ignored. Pure and shared by the page and the query (lib/admin-users.ts).

export const ADMIN_PAGE_SIZE = 25;
/** Longer searches are refused: no address or name is this long, and the search scans the table. */
export const SEARCH_MAX_LENGTH = 100;
/** Far beyond any real last page (100,000 users are 4,000 pages); larger numbers are refused, not clamped. */
const PAGE_MAX = 1_000_000;

export const SORT_COLUMNS = ["email", "name", "role", "created"] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
export const STATUSES = ["active", "disabled", "locked"] as const;
export type StatusFilter = (typeof STATUSES)[number];

export type AdminUserQuery = {
  /** Case-insensitive substring of the email or the name; "" for none. */
  q: string;
  role: string | null;
  status: StatusFilter | null;
  sort: SortColumn;
  dir: SortDirection;
  /** 1-based page of users. */
  page: number;
  /** 1-based page of the active-sessions list. */
  sessionsPage: number;
};

export const DEFAULT_ADMIN_USER_QUERY: AdminUserQuery = {
  q: "",
  role: null,
  status: null,
  sort: "created",
  dir: "asc",
  page: 1,
  sessionsPage: 1,
};

/** The query-string name of each field. */
const PARAM: Record<keyof AdminUserQuery, string> = {
  q: "q",
  role: "role",
  status: "status",
  sort: "sort",
  dir: "dir",
  page: "page",
  sessionsPage: "sessionsPage",
};

// An empty value ("Any role" in the form) means "no filter", like a missing one.
const emptyToNull = (value: string) => (value === "" ? null : value);
const pageNumber = z
  .string()
  .regex(/^\d{1,7}$/, "must be a whole number")
  .transform(Number)
  .pipe(z.number().int().min(1, "must be 1 or more").max(PAGE_MAX, "is too large"));

const FIELDS = {
  q: z
    .string()
    .max(SEARCH_MAX_LENGTH, `must be at most ${SEARCH_MAX_LENGTH} characters`)
    .regex(/^[^\u0000-\u001f\u007f]*$/, "must not contain control characters")
    .transform((value) => value.trim()),
  role: z
    .string()
    .max(64, "is too long")
    .regex(/^[\w.:-]*$/, "is not a role name")
    .transform(emptyToNull),
  status: z
    .union([z.literal(""), z.enum(STATUSES)], { error: `must be one of ${STATUSES.join(", ")}` })
    .transform((value) => (value === "" ? null : value)),
  sort: z.enum(SORT_COLUMNS, { error: `must be one of ${SORT_COLUMNS.join(", ")}` }),
  dir: z.enum(SORT_DIRECTIONS, { error: "must be asc or desc" }),
  page: pageNumber,
  sessionsPage: pageNumber,
} satisfies { [K in keyof AdminUserQuery]: z.ZodType<AdminUserQuery[K], string> };

export type SearchParams = Record<string, string | string[] | undefined>;
export type ParsedAdminUserQuery = { query: AdminUserQuery; problems: string[] };

/**
 * Reads /admin's searchParams. `roles` are the role names that exist: another role gives a message instead of
 * an empty list that looks like "no users".
 */
export function parseAdminUserQuery(
  params: SearchParams,
  { roles }: { roles?: readonly string[] } = {},
): ParsedAdminUserQuery {
  const query: AdminUserQuery = { ...DEFAULT_ADMIN_USER_QUERY };
  const problems: string[] = [];
  for (const key of Object.keys(FIELDS) as (keyof AdminUserQuery)[]) {
    const name = PARAM[key];
    const raw = Object.hasOwn(params, name) ? params[name] : undefined;
    if (raw === undefined) continue;
    if (typeof raw !== "string") {
      problems.push(`“${name}” was given more than once; it was ignored.`);
      continue;
    }
    const parsed = FIELDS[key].safeParse(raw);
    if (!parsed.success) {
      problems.push(`“${name}” ${parsed.error.issues[0]?.message ?? "is not valid"}; it was ignored.`);
      continue;
    }
    (query as Record<string, unknown>)[key] = parsed.data;
  }
  if (query.role !== null && roles && !roles.includes(query.role)) {
    problems.push(`There is no role “${query.role}”; showing every role.`);
    query.role = null;
  }
  return { query, problems };
}

/** /admin with `query` (changed by `change`) in its query string; defaults are left out so links stay short. */
export function adminUsersHref(query: AdminUserQuery, change: Partial<AdminUserQuery> = {}): string {
  const merged = { ...query, ...change };
  const search = new URLSearchParams();
  for (const key of Object.keys(PARAM) as (keyof AdminUserQuery)[]) {
    const value = merged[key];
    if (value === null || value === DEFAULT_ADMIN_USER_QUERY[key]) continue;
    search.set(PARAM[key], String(value));
  }
  const text = search.toString();
  return text ? `/admin?${text}` : "/admin";
}
