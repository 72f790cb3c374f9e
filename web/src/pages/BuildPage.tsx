// One build: its full record from /api/records/{id}, with the download and
// revision links, links back into the search, and the raw JSON.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, getRecord, type BuildRecord } from '../api';
import { Header } from '../components/Header';
import { asText, fileSize, revisionUrl, safeUrl } from '../format';
import { Link } from '../router';
import { formatSearch, defaultState, withFilter } from '../search/state';

const SECTIONS = ['build', 'source', 'target', 'download'] as const;

function Value({ value }: { value: unknown }) {
  if (Array.isArray(value)) return <>{value.map(asText).join(', ')}</>;
  if (value !== null && typeof value === 'object') return <code>{JSON.stringify(value)}</code>;
  const url = safeUrl(value);
  if (url) return <a href={url}>{url}</a>;
  return <>{asText(value)}</>;
}

function Fields({ title, data }: { title: string; data: Record<string, unknown> | undefined }) {
  if (!data || typeof data !== 'object') return null;
  const keys = Object.keys(data);
  if (keys.length === 0) return null;
  return (
    <section class="record-section" data-section={title}>
      <h2>{title}</h2>
      <table class="record-table">
        <tbody>
          {keys.map((k) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td data-field={`${title}.${k}`}>
                <Value value={data[k]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function BuildPage({ id }: { id: string }) {
  const [record, setRecord] = useState<BuildRecord | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);

  useEffect(() => {
    setRecord(null);
    setError(null);
    const controller = new AbortController();
    getRecord(id, controller.signal)
      .then(setRecord)
      .catch((e: Error) => {
        if (controller.signal.aborted) return;
        setError({ status: e instanceof ApiError ? e.status : 0, message: e.message });
      });
    return () => controller.abort();
  }, [id]);

  const source = record?.source ?? {};
  const target = record?.target ?? {};
  const download = record?.download ?? {};
  const build = record?.build ?? {};
  useEffect(() => {
    document.title = record
      ? `${asText(source.product)} ${asText(target.version)} ${asText(target.platform)} · Buildhub`
      : `Build ${id} · Buildhub`;
  }, [record, id]);

  const downloadUrl = safeUrl(download.url);
  const revUrl = revisionUrl(source);
  const buildIdSearch = typeof build.id === 'string' ? `/${formatSearch({ ...defaultState(), q: build.id })}` : null;
  const versionSearch =
    typeof target.version === 'string' && typeof source.product === 'string'
      ? `/${formatSearch(withFilter(withFilter(defaultState(), 'products', [source.product]), 'versions', [target.version]))}`
      : null;
  const { _meta: meta, ...publicRecord } = record ?? {};

  return (
    <div class="page">
      <Header section="build" />
      <main class="build-page">
        <p class="breadcrumb">
          <Link href="/">← Search</Link>
        </p>
        {error && (
          <div class={error.status === 404 ? 'not-found' : 'error-banner'} role="alert" id="build-error">
            {error.status === 404 ? `There is no build ${id}.` : `Could not load build ${id}: ${error.message}`}
          </div>
        )}
        {!record && !error && <p class="note">Loading build {id}…</p>}
        {record && (
          <>
            <h1 id="build-title">
              {asText(source.product)} {asText(target.version)}{' '}
              <span class="subtitle">
                {asText(target.platform)} · {asText(target.channel)} · {asText(target.locale)}
              </span>
            </h1>
            <div class="build-actions">
              {downloadUrl && (
                <a class="button primary" id="download-link" href={downloadUrl}>
                  Download{download.size !== undefined ? ` (${fileSize(download.size)})` : ''}
                </a>
              )}
              {revUrl && (
                <a class="button" id="revision-link" href={revUrl} target="_blank" rel="noopener noreferrer">
                  Revision {asText(source.revision).slice(0, 12)}
                </a>
              )}
              <a class="button" id="json-link" href={`/api/records/${encodeURIComponent(id)}`}>
                JSON
              </a>
              {buildIdSearch && (
                <Link class="button" href={buildIdSearch}>
                  Builds with build id {build.id}
                </Link>
              )}
              {versionSearch && (
                <Link class="button" href={versionSearch}>
                  All {asText(source.product)} {asText(target.version)} builds
                </Link>
              )}
            </div>
            <div class="record-grid">
              {SECTIONS.map((s) => (
                <Fields key={s} title={s} data={(record as Record<string, any>)[s]} />
              ))}
              <Fields title="stored" data={meta as Record<string, unknown> | undefined} />
            </div>
            <details class="json-view" open>
              <summary>JSON</summary>
              <pre id="record-json">{JSON.stringify(publicRecord, null, 2)}</pre>
            </details>
          </>
        )}
      </main>
    </div>
  );
}
