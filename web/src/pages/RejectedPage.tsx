// The rejected buildhub.json files and why, newest first, a page at a time.

import { useEffect, useState } from 'preact/hooks';
import { getRejected, type RejectedPage as RejectedData } from '../api';
import { Header } from '../components/Header';
import { formatCount } from '../format';
import { Link, type Location } from '../router';

const PER_PAGE = 50;

export function RejectedPage({ location }: { location: Location }) {
  const raw = Number.parseInt(new URLSearchParams(location.search).get('offset') ?? '0', 10);
  const offset = Number.isFinite(raw) && raw > 0 ? raw : 0;
  const [data, setData] = useState<RejectedData | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Rejected builds · Buildhub';
    const controller = new AbortController();
    setError(null);
    getRejected(PER_PAGE, offset, controller.signal)
      .then(setData)
      .catch((e: Error) => {
        if (!controller.signal.aborted) setError(e.message);
      });
    return () => controller.abort();
  }, [offset]);

  const rows = data?.rejected ?? [];
  const total = data?.total ?? 0;
  const href = (o: number) => (o > 0 ? `/rejected?offset=${o}` : '/rejected');

  return (
    <div class="page">
      <Header section="rejected" />
      <main class="rejected-page">
        <h1>Rejected builds</h1>
        <p class="note">
          Files that were found but not stored because they are not valid <code>buildhub.json</code> documents, with the
          reasons. Fixing the file and uploading it again makes it searchable.
        </p>
        {error && (
          <div class="error-banner" role="alert">
            Could not load the rejected builds: {error}
          </div>
        )}
        {data && (
          <p id="rejected-count">
            {total === 0
              ? 'No file has been rejected.'
              : `${formatCount(total)} rejected file${total === 1 ? '' : 's'}; showing ${formatCount(
                  Math.min(offset + 1, total),
                )}–${formatCount(Math.min(offset + rows.length, total))}.`}
          </p>
        )}
        {rows.length > 0 && (
          <div class="table-wrap">
            <table class="results rejected">
              <thead>
                <tr>
                  <th scope="col">Rejected at</th>
                  <th scope="col">File</th>
                  <th scope="col">Source</th>
                  <th scope="col">ETag</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Errors</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} id={`rejected-${r.id}`}>
                    <td class="col-date">
                      <time dateTime={r.rejected_at}>{r.rejected_at}</time>
                      {r.last_seen_at && r.last_seen_at !== r.rejected_at && (
                        <div class="muted">last seen {r.last_seen_at}</div>
                      )}
                    </td>
                    <td class="col-key">{r.key}</td>
                    <td>{r.source}</td>
                    <td class="col-etag">{r.etag}</td>
                    <td class="col-num">{r.attempts}</td>
                    <td>
                      <ul class="errors">
                        {(r.errors ?? []).map((e, i) => (
                          <li key={i}>{e}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data && total > PER_PAGE && (
          <nav class="pagination" aria-label="Pages">
            {offset > 0 ? (
              <Link class="page-link" href={href(Math.max(offset - PER_PAGE, 0))}>
                ‹ Newer
              </Link>
            ) : (
              <span class="page-link is-disabled">‹ Newer</span>
            )}
            {offset + PER_PAGE < total ? (
              <Link class="page-link" href={href(offset + PER_PAGE)}>
                Older ›
              </Link>
            ) : (
              <span class="page-link is-disabled">Older ›</span>
            )}
          </nav>
        )}
      </main>
    </div>
  );
}
