// The search page's state and its URL form. The URL parameters are the
// original page's (SearchKit history, `qs` encoding), because other tools
// generate these links: q, p, sort, products[0], versions[0], platform[0],
// channel[0], locale[0].

export type FacetId = 'versions' | 'platform' | 'channel' | 'locale';
export type FilterId = FacetId | 'products';
export type SortKey = 'download.date_desc' | 'build.date_desc';

export interface SearchState {
  q: string;
  page: number; // 1-based
  sort: SortKey;
  filters: Record<FilterId, string[]>;
}

export interface FacetSpec {
  id: FacetId;
  title: string;
  field: string;
  order: 'asc' | 'desc';
  // SearchKit's accessor key (the id plus its GUID counter in the original's
  // component order); echoed back by the server as the aggregation name.
  aggName: string;
}

// In the original's component order: this is also the order of the clauses
// in post_filter.
export const FACETS: readonly FacetSpec[] = [
  { id: 'versions', title: 'Version', field: 'target.version', order: 'desc', aggName: 'versions2' },
  { id: 'platform', title: 'Platform', field: 'target.platform', order: 'asc', aggName: 'platform3' },
  { id: 'channel', title: 'Channel', field: 'target.channel', order: 'asc', aggName: 'channel4' },
  { id: 'locale', title: 'Locale', field: 'target.locale', order: 'asc', aggName: 'locale5' },
];

export const PRODUCTS = { id: 'products' as const, title: 'Product', field: 'source.product', aggName: 'products7' };

export const FILTER_ORDER: readonly FilterId[] = ['versions', 'platform', 'channel', 'locale', 'products'];

export const FILTER_FIELDS: Record<FilterId, string> = {
  versions: 'target.version',
  platform: 'target.platform',
  channel: 'target.channel',
  locale: 'target.locale',
  products: 'source.product',
};

export const FILTER_TITLES: Record<FilterId, string> = {
  versions: 'Version',
  platform: 'Platform',
  channel: 'Channel',
  locale: 'Locale',
  products: 'Product',
};

export const SORTS: readonly { key: SortKey; label: string; field: string }[] = [
  { key: 'download.date_desc', label: 'Published on', field: 'download.date' },
  { key: 'build.date_desc', label: 'Build date', field: 'build.date' },
];

export const PAGE_SIZE = 30;
// Elasticsearch refuses from + size > 10000, so no page starts past 9970.
export const MAX_PAGE = Math.floor((10000 - PAGE_SIZE) / PAGE_SIZE) + 1;

// URL values are bounded so that a hostile link cannot make the page build
// an enormous request.
const MAX_VALUES_PER_FILTER = 50;
const MAX_VALUE_LENGTH = 500;

export function emptyFilters(): Record<FilterId, string[]> {
  return { versions: [], platform: [], channel: [], locale: [], products: [] };
}

export function defaultState(): SearchState {
  return { q: '', page: 1, sort: 'download.date_desc', filters: emptyFilters() };
}

export function hasFilters(state: SearchState): boolean {
  return FILTER_ORDER.some((id) => state.filters[id].length > 0);
}

function isFilterId(name: string): name is FilterId {
  return (FILTER_ORDER as readonly string[]).includes(name);
}

// Reads the state from a query string. Accepts qs's forms: `versions[0]=a`,
// the same with encoded brackets, `versions[]=a` and plain `versions=a`.
// Indexed values are kept in index order; unknown parameters are ignored.
export function parseSearch(search: string): SearchState {
  const state = defaultState();
  const params = new URLSearchParams(search);
  const indexed: Record<FilterId, { index: number; seq: number; value: string }[]> = {
    versions: [], platform: [], channel: [], locale: [], products: [],
  };
  let seq = 0;
  for (const [rawKey, value] of params) {
    const m = /^([a-z]+)(?:\[(\d*)\])?$/.exec(rawKey);
    if (!m) continue;
    const name = m[1];
    if (name === 'q' && m[2] === undefined) {
      state.q = value.slice(0, 2000);
    } else if (name === 'p' && m[2] === undefined) {
      const n = Number.parseInt(value, 10);
      if (Number.isFinite(n) && n >= 1) state.page = Math.min(n, MAX_PAGE);
    } else if (name === 'sort' && m[2] === undefined) {
      if (SORTS.some((s) => s.key === value)) state.sort = value as SortKey;
    } else if (isFilterId(name)) {
      if (value === '' || value.length > MAX_VALUE_LENGTH) continue;
      const index = m[2] === undefined || m[2] === '' ? Number.MAX_SAFE_INTEGER : Number(m[2]);
      indexed[name].push({ index, seq: seq++, value });
    }
  }
  for (const id of FILTER_ORDER) {
    const values: string[] = [];
    for (const v of indexed[id].sort((a, b) => a.index - b.index || a.seq - b.seq)) {
      if (!values.includes(v.value)) values.push(v.value);
    }
    state.filters[id] = values.slice(0, MAX_VALUES_PER_FILTER);
  }
  return state;
}

// Writes the state as a query string (with a leading '?', or '' when it is the
// default state). Brackets stay literal, as in the links tools generate.
export function formatSearch(state: SearchState): string {
  const parts: string[] = [];
  const enc = (s: string) => encodeURIComponent(s);
  if (state.q !== '') parts.push(`q=${enc(state.q)}`);
  for (const id of FILTER_ORDER) {
    state.filters[id].forEach((value, i) => parts.push(`${id}[${i}]=${enc(value)}`));
  }
  if (state.page > 1) parts.push(`p=${state.page}`);
  if (state.sort !== 'download.date_desc') parts.push(`sort=${enc(state.sort)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

export function withFilter(state: SearchState, id: FilterId, values: string[]): SearchState {
  return { ...state, page: 1, filters: { ...state.filters, [id]: values } };
}
