// The search page: the original's SearchKit layout (search box, facets,
// hit count, sort, filter chips, product tabs, results, pagination, no-hits
// help). The URL is the state: every change is a navigation, so links,
// reloads and the back button all work.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { search, type SearchResponse } from '../api';
import { Facet } from '../components/Facet';
import { Header } from '../components/Header';
import { Pagination } from '../components/Pagination';
import { ResultsTable } from '../components/ResultsTable';
import { formatCount } from '../format';
import { navigate, type Location } from '../router';
import { mainSearchBody } from '../search/request';
import {
  FACETS,
  FILTER_ORDER,
  FILTER_TITLES,
  MAX_PAGE,
  PAGE_SIZE,
  PRODUCTS,
  SORTS,
  emptyFilters,
  formatSearch,
  hasFilters,
  parseSearch,
  withFilter,
  type FilterId,
  type SearchState,
  type SortKey,
} from '../search/state';

// SearchKit's search-on-change throttle.
const TYPING_DEBOUNCE_MS = 200;
const QUERY_SYNTAX_DOCS =
  'https://www.elastic.co/guide/en/elasticsearch/reference/6.7/query-dsl-query-string-query.html#query-string-syntax';

interface Result {
  key: string;
  response: SearchResponse;
}

function go(state: SearchState, replace = false): void {
  navigate(`/${formatSearch(state)}`, { replace });
}

export function SearchPage({ location }: { location: Location }) {
  const state = useMemo(() => parseSearch(location.search), [location.search]);
  const key = formatSearch(state);

  // --- the search box: typed text goes to the URL after a pause ---
  const [text, setText] = useState(state.q);
  const sentQ = useRef(state.q);
  const typingTimer = useRef<number | undefined>(undefined);
  useEffect(() => {
    // The URL changed from elsewhere (back button, chips, "clear all").
    if (state.q !== sentQ.current) {
      sentQ.current = state.q;
      clearTimeout(typingTimer.current);
      setText(state.q);
    }
  }, [state.q]);
  const submitText = (value: string) => {
    clearTimeout(typingTimer.current);
    if (value === sentQ.current) return;
    sentQ.current = value;
    go({ ...parseSearch(window.location.search), q: value, page: 1 }, true);
  };
  const onType = (value: string) => {
    setText(value);
    clearTimeout(typingTimer.current);
    typingTimer.current = window.setTimeout(() => submitText(value), TYPING_DEBOUNCE_MS);
  };
  useEffect(() => () => clearTimeout(typingTimer.current), []);

  // --- the main search, once per distinct state; older answers are dropped ---
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<{ key: string; message: string } | null>(null);
  // Loading from the first render: the search starts in an effect, after the
  // first paint, and "no answer yet" must never read as "0 results" (for the
  // key of the bare page, "", it would match the empty result key).
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    search(mainSearchBody(state), controller.signal)
      .then((response) => {
        setResult({ key, response });
        setError(null);
        setLoading(false);
      })
      .catch((e: Error) => {
        if (controller.signal.aborted) return;
        setError({ key, message: e.message });
        setLoading(false);
      });
    return () => controller.abort();
  }, [key]);

  useEffect(() => {
    document.title = state.q ? `${state.q} · Buildhub` : 'Buildhub';
  }, [state.q]);

  const response = result?.response;
  const total = response?.hits.total ?? 0;
  const pages = Math.min(Math.ceil(total / PAGE_SIZE), MAX_PAGE);
  const productsAgg = response?.aggregations?.[PRODUCTS.aggName];
  const productBuckets: { key: string; doc_count: number }[] = productsAgg?.[PRODUCTS.field]?.buckets ?? [];
  const selectedProduct = state.filters.products[0];

  const setFilter = (id: FilterId, values: string[]) => go(withFilter(parseSearch(window.location.search), id, values));
  const chips = FILTER_ORDER.flatMap((id) => state.filters[id].map((value) => ({ id, value })));
  const canReset = chips.length > 0 || state.q !== '' || text !== '';

  return (
    <div class="page">
      <Header section="search" />
      <div class="topbar">
        <form
          class="searchbox"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            submitText(text);
          }}
        >
          <input
            id="search-input"
            type="search"
            name="q"
            autofocus
            autocomplete="off"
            spellcheck={false}
            aria-label="Search builds"
            placeholder="e.g. firefox 54 linux"
            value={text}
            onInput={(e) => onType((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" class="searchbox-submit">
            Search
          </button>
          <a
            class="searchbox-help"
            href={QUERY_SYNTAX_DOCS}
            target="_blank"
            rel="noopener noreferrer"
            title="You may use Elasticsearch query string syntax by prefixing it with a single quote"
          >
            ?
          </a>
        </form>
      </div>

      <div class="layout">
        <aside class="sidebar">
          {FACETS.map((facet) => (
            <Facet
              key={facet.id}
              facet={facet}
              state={state}
              selected={state.filters[facet.id]}
              onChange={(values) => setFilter(facet.id, values)}
            />
          ))}
          <p class="sidebar-note">Several values of one filter match any of them.</p>
        </aside>

        <main
          class="results-area"
          data-loading={loading ? 'true' : 'false'}
          data-key={key}
          data-result-key={result?.key ?? ''}
        >
          <div class="action-bar">
            <div class="hits-stats" aria-live="polite">
              {response && (
                <span>
                  <strong id="hit-count">{formatCount(total)}</strong> results found in{' '}
                  <span id="hit-time">{response.took}</span>ms
                </span>
              )}
              {loading && <span class="loading-dot" aria-label="Searching" />}
            </div>
            <label class="sort">
              Sort by{' '}
              <select
                id="sort-select"
                value={state.sort}
                onChange={(e) =>
                  go({ ...parseSearch(window.location.search), sort: (e.currentTarget as HTMLSelectElement).value as SortKey, page: 1 })
                }
              >
                {SORTS.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.label}
                  </option>
                ))}
              </select>
            </label>
          </div>

          <div class="filters-bar">
            <div class="selected-filters">
              {chips.map(({ id, value }) => (
                <span class="chip" key={`${id}:${value}`} data-filter={id} data-value={value}>
                  <span class="chip-label">
                    {FILTER_TITLES[id]}: {value}
                  </span>
                  <button
                    type="button"
                    class="chip-remove"
                    aria-label={`Remove filter ${FILTER_TITLES[id]}: ${value}`}
                    onClick={() => setFilter(id, state.filters[id].filter((v) => v !== value))}
                  >
                    ×
                  </button>
                </span>
              ))}
            </div>
            <button
              type="button"
              id="clear-all"
              class="reset-filters"
              disabled={!canReset}
              onClick={() => {
                sentQ.current = '';
                clearTimeout(typingTimer.current);
                setText('');
                go({ ...parseSearch(window.location.search), q: '', page: 1, filters: emptyFilters() });
              }}
            >
              Clear all filters
            </button>
          </div>

          <nav class="product-tabs" aria-label="Products">
            <a
              href={`/${formatSearch(withFilter(state, 'products', []))}`}
              class={`tab${!selectedProduct ? ' is-active' : ''}`}
              data-product=""
              onClick={(e) => {
                e.preventDefault();
                setFilter('products', []);
              }}
            >
              All products
              {productsAgg && <span class="tab-count">{formatCount(productsAgg.doc_count ?? 0)}</span>}
            </a>
            {productBuckets.map((b) => (
              <a
                key={b.key}
                href={`/${formatSearch(withFilter(state, 'products', [b.key]))}`}
                class={`tab${selectedProduct === b.key ? ' is-active' : ''}`}
                data-product={b.key}
                onClick={(e) => {
                  e.preventDefault();
                  setFilter('products', selectedProduct === b.key ? [] : [b.key]);
                }}
              >
                {b.key}
                <span class="tab-count">{formatCount(b.doc_count)}</span>
              </a>
            ))}
            {selectedProduct && !productBuckets.some((b) => b.key === selectedProduct) && (
              <span class="tab is-active" data-product={selectedProduct}>
                {selectedProduct}
                <span class="tab-count">0</span>
              </span>
            )}
          </nav>

          {error && error.key === key && (
            <div class="error-banner" role="alert">
              The search failed: {error.message}
            </div>
          )}

          {!response && !error && <p class="note">Searching…</p>}
          {response && total > 0 && response.hits.hits.length > 0 && !(error && error.key === key) && (
            <div class={loading ? 'is-stale' : ''}>
              <ResultsTable hits={response.hits.hits} />
            </div>
          )}
          {response && total > 0 && response.hits.hits.length === 0 && !loading && (
            <div class="no-hits">
              <p>
                Page {state.page} is past the last page.{' '}
                <a
                  href={`/${formatSearch({ ...state, page: 1 })}`}
                  onClick={(e) => {
                    e.preventDefault();
                    go({ ...state, page: 1 });
                  }}
                >
                  Go to the first page
                </a>
              </p>
            </div>
          )}
          {response && total === 0 && !loading && result?.key === key && (
            <NoHits state={state} response={response} />
          )}

          <Pagination
            page={state.page}
            pages={pages}
            hrefFor={(p) => `/${formatSearch({ ...state, page: p })}`}
            onPage={(p) => go({ ...state, page: p })}
          />
          {Math.ceil(total / PAGE_SIZE) > MAX_PAGE && state.page >= MAX_PAGE - 2 && (
            <p class="note">Only the first {formatCount(MAX_PAGE * PAGE_SIZE)} results can be paged through; narrow the search to see the rest.</p>
          )}
        </main>
      </div>

      <footer class="site-footer">
        <p>
          A note about <em>non</em>-en-US builds! At the moment, Buildhub only includes new <code>en-US</code> builds. To get
          involved in all L10N builds please see{' '}
          <a href="https://bugzilla.mozilla.org/show_bug.cgi?id=1459302">Bug #1459302</a>. The <em>non</em>-en-US builds that
          currently appear are from a migration of the older version of Buildhub.
        </p>
      </footer>
    </div>
  );
}

function NoHits({ state, response }: { state: SearchState; response: SearchResponse }) {
  const suggestion = response.suggest?.suggestions?.[0]?.options?.[0]?.text;
  const withoutFilters = response.aggregations?.no_filters_top_hits?.hits?.total ?? 0;
  const filtered = hasFilters(state);
  return (
    <div class="no-hits" id="no-hits">
      {state.q ? (
        <h2>
          No builds were found for <q>{state.q}</q>
          {filtered ? ' with these filters' : ''}.
        </h2>
      ) : (
        <h2>No builds match these filters.</h2>
      )}
      {suggestion && (
        <p>
          Search for{' '}
          <a
            href={`/${formatSearch({ ...state, q: suggestion, page: 1 })}`}
            onClick={(e) => {
              e.preventDefault();
              go({ ...state, q: suggestion, page: 1 });
            }}
          >
            {suggestion}
          </a>
          ?
        </p>
      )}
      {state.q && filtered && withoutFilters > 0 && (
        <p>
          <button type="button" id="search-without-filters" onClick={() => go({ ...state, page: 1, filters: emptyFilters() })}>
            Search for <q>{state.q}</q> without filters
          </button>
        </p>
      )}
      {!state.q && filtered && (
        <p>
          <button type="button" onClick={() => go({ ...state, page: 1, filters: emptyFilters() })}>
            Remove all filters
          </button>
        </p>
      )}
      <div class="help">
        <h3>Searching tips</h3>
        <ul>
          <li>
            Every word must match the start of a product, version, platform, channel, locale or build id:{' '}
            <code>firefox 54 linux</code>, <code>devedition beta</code>, <code>20170713200529</code>.
          </li>
          <li>
            Start with a single quote to use Elasticsearch query string syntax:{' '}
            <code>'build.id:20170713200529</code>, <code>'target.version:68.0 AND target.platform:win64</code>.
          </li>
          <li>Several values of one filter match any of them; different filters must all match.</li>
        </ul>
      </div>
    </div>
  );
}
