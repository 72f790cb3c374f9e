// Page numbers around the current page, with first/last and previous/next.

interface Props {
  page: number;
  pages: number;
  hrefFor: (page: number) => string;
  onPage: (page: number) => void;
}

export function pageWindow(page: number, pages: number): (number | null)[] {
  const out: (number | null)[] = [];
  const from = Math.max(1, page - 2);
  const to = Math.min(pages, page + 2);
  if (from > 1) out.push(1);
  if (from > 2) out.push(null);
  for (let p = from; p <= to; p++) out.push(p);
  if (to < pages - 1) out.push(null);
  if (to < pages) out.push(pages);
  return out;
}

export function Pagination({ page, pages, hrefFor, onPage }: Props) {
  if (pages <= 1) return null;
  const item = (p: number, label: string, extra = '', aria?: string) => (
    <a
      class={`page-link${extra}`}
      href={hrefFor(p)}
      aria-label={aria}
      aria-current={p === page && !aria ? 'page' : undefined}
      data-page={p}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        onPage(p);
      }}
    >
      {label}
    </a>
  );
  return (
    <nav class="pagination" aria-label="Pages">
      {page > 1 ? item(page - 1, '‹ Previous', ' page-prev', 'Previous page') : <span class="page-link is-disabled">‹ Previous</span>}
      {pageWindow(page, pages).map((p, i) =>
        p === null ? (
          <span key={`gap${i}`} class="page-gap">
            …
          </span>
        ) : (
          <span key={p}>{item(p, String(p), p === page ? ' is-current' : '')}</span>
        ),
      )}
      {page < pages ? item(page + 1, 'Next ›', ' page-next', 'Next page') : <span class="page-link is-disabled">Next ›</span>}
    </nav>
  );
}
