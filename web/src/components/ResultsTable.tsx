// The results table: the original's eleven columns, with highlighting.

import type { Hit } from '../api';
import { asText, compactDate, fileSize, revisionUrl, safeUrl, splitHighlight } from '../format';
import { Link } from '../router';

function Highlighted({ hit, field, value }: { hit: Hit; field: string; value: unknown }) {
  const fragment = hit.highlight?.[field]?.[0];
  if (typeof fragment !== 'string') return <>{asText(value)}</>;
  return (
    <>
      {splitHighlight(fragment).map((p, i) => (p.em ? <em key={i}>{p.text}</em> : p.text))}
    </>
  );
}

export const COLUMNS = [
  '#',
  'Product',
  'Version',
  'Platform',
  'Channel',
  'Locale',
  'Tree',
  'Size',
  'Published on',
  'Build ID',
  'Revision',
];

export function ResultsTable({ hits }: { hits: Hit[] }) {
  return (
    <div class="table-wrap">
      <table class="results">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {hits.map((hit) => {
            const s = hit._source ?? {};
            const source = s.source ?? {};
            const target = s.target ?? {};
            const download = s.download ?? {};
            const build = s.build ?? {};
            const page = `/builds/${encodeURIComponent(hit._id)}`;
            const downloadUrl = safeUrl(download.url);
            const revUrl = revisionUrl(source);
            const size = fileSize(download.size);
            return (
              <tr key={hit._id} id={hit._id}>
                <td class="col-id">
                  <Link href={page} title="This build's page">
                    {hit._id}
                  </Link>
                </td>
                <td class="col-product">
                  <Highlighted hit={hit} field="source.product" value={source.product} />
                </td>
                <td class="col-version">
                  <Highlighted hit={hit} field="target.version" value={target.version} />
                </td>
                <td>
                  <Highlighted hit={hit} field="target.platform" value={target.platform} />
                </td>
                <td>
                  <Highlighted hit={hit} field="target.channel" value={target.channel} />
                </td>
                <td>
                  <Highlighted hit={hit} field="target.locale" value={target.locale} />
                </td>
                <td>{asText(source.tree)}</td>
                <td class="col-size">
                  {downloadUrl ? (
                    <a href={downloadUrl} title={asText(download.url)}>
                      {size || 'download'}
                    </a>
                  ) : (
                    size
                  )}
                </td>
                <td class="col-date">
                  <Link href={page} title={`${asText(download.date)}: this build's page`}>
                    <time dateTime={asText(download.date)}>{compactDate(download.date)}</time>
                  </Link>
                </td>
                <td class="col-buildid">
                  <Highlighted hit={hit} field="build.id" value={build.id} />
                </td>
                <td class="col-rev">
                  {revUrl ? (
                    <a href={revUrl} target="_blank" rel="noopener noreferrer" title={asText(source.revision)}>
                      {asText(source.revision).slice(0, 6)}
                    </a>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
