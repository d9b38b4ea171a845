import Link from "next/link";
import { buttonClasses } from "@/components/ui/button-styles";
import {
  adminUsersHref,
  DEFAULT_ADMIN_USER_QUERY,
  SEARCH_MAX_LENGTH,
  STATUSES,
  type AdminUserQuery,
} from "@/lib/admin-users-query";

const fieldClass =
  "rounded-lg border border-input bg-card px-3 py-1.5 text-sm text-foreground focus:outline-none focus-visible:ring-2 focus-visible:ring-ring";

/**
 * Search and filters as a GET form: the result is a plain URL, so it works without JavaScript and can be shared.
 * A new search starts at page 1 (the page is not part of the form) and keeps the chosen sort.
 */
export function UserFilters({ query, roles }: { query: AdminUserQuery; roles: string[] }) {
  const filtered = query.q !== "" || query.role !== null || query.status !== null;
  return (
    <form
      method="get"
      action="/admin"
      role="search"
      data-testid="user-filters"
      className="flex flex-wrap items-end gap-3"
    >
      <label className="flex min-w-0 grow basis-56 flex-col gap-1 text-sm">
        <span className="font-medium">Search</span>
        <input
          type="search"
          name="q"
          defaultValue={query.q}
          maxLength={SEARCH_MAX_LENGTH}
          placeholder="Email or name"
          className={fieldClass}
        />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Role</span>
        <select name="role" defaultValue={query.role ?? ""} className={fieldClass}>
          <option value="">Any role</option>
          {roles.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Status</span>
        <select name="status" defaultValue={query.status ?? ""} className={fieldClass}>
          <option value="">Any status</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      {query.sort !== DEFAULT_ADMIN_USER_QUERY.sort ? <input type="hidden" name="sort" value={query.sort} /> : null}
      {query.dir !== DEFAULT_ADMIN_USER_QUERY.dir ? <input type="hidden" name="dir" value={query.dir} /> : null}
      <div className="flex gap-2">
        <button type="submit" className={buttonClasses()}>
          Search
        </button>
        {filtered ? (
          <Link
            href={adminUsersHref(query, { q: "", role: null, status: null, page: 1 })}
            className={buttonClasses({ variant: "secondary" })}
          >
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}
