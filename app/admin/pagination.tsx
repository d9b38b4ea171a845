import Link from "next/link";

// Previous / next and numbered page links: the first and last page, and two either side of the current one.
const NEAR = 2;

function pagesToShow(page: number, pageCount: number): (number | "gap")[] {
  const shown: (number | "gap")[] = [];
  for (let p = 1; p <= pageCount; p++) {
    if (p === 1 || p === pageCount || Math.abs(p - page) <= NEAR) shown.push(p);
    else if (shown.at(-1) !== "gap") shown.push("gap");
  }
  return shown;
}

const linkClass = "rounded-md border border-border bg-card px-2.5 py-1 text-sm hover:bg-muted";
const idleClass = "rounded-md border border-transparent px-2.5 py-1 text-sm text-muted-foreground";

export function Pagination({
  page,
  pageCount,
  href,
  label,
  testId,
}: {
  page: number;
  pageCount: number;
  href: (page: number) => string;
  label: string;
  testId: string;
}) {
  if (pageCount <= 1) return null;
  return (
    <nav aria-label={label} data-testid={testId} className="flex flex-wrap items-center gap-1">
      {page > 1 ? (
        <Link href={href(page - 1)} rel="prev" className={linkClass}>
          Previous
        </Link>
      ) : (
        <span aria-disabled="true" className={idleClass}>
          Previous
        </span>
      )}
      {pagesToShow(page, pageCount).map((p, i) =>
        p === "gap" ? (
          <span key={`gap-${i}`} className={idleClass} aria-hidden="true">
            …
          </span>
        ) : p === page ? (
          <span
            key={p}
            aria-current="page"
            className="rounded-md border border-primary bg-primary px-2.5 py-1 text-sm font-semibold text-primary-foreground"
          >
            {p}
          </span>
        ) : (
          <Link key={p} href={href(p)} className={linkClass} aria-label={`Page ${p}`}>
            {p}
          </Link>
        ),
      )}
      {page < pageCount ? (
        <Link href={href(page + 1)} rel="next" className={linkClass}>
          Next
        </Link>
      ) : (
        <span aria-disabled="true" className={idleClass}>
          Next
        </span>
      )}
    </nav>
  );
}
