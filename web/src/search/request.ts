// The /api/search request bodies, in the shapes (and key order) the original
// SearchKit 2.3.0 page sent; reference/searchkit_requests.txt has real ones.
// One deliberate difference: several values of one facet always combine with
// OR (bool.should), where the original used AND for platform, channel and
// locale and so found nothing for two platforms.

import {
  FACETS,
  FILTER_FIELDS,
  FILTER_ORDER,
  PAGE_SIZE,
  PRODUCTS,
  SORTS,
  type FacetSpec,
  type FilterId,
  type SearchState,
} from './state';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const QUERY_FIELDS = [
  'source.product',
  'target.channel^1.2',
  'target.version^10',
  'target.locale^3',
  'target.platform^2',
  'build.id',
];

export const HIGHLIGHT_FIELDS = [
  'source.product',
  'target.channel',
  'target.version',
  'target.locale',
  'target.platform',
  'build.id',
];

// Facet suggestions ask for this many buckets at most, as the original did.
export const FACET_SIZE = 1000;
export const PRODUCT_TABS_SIZE = 50;

// The search box's text as query_string syntax: a leading ' sends the rest
// raw; otherwise each space-separated term becomes a prefix (`firefox 54` ->
// `firefox* 54*`). Empty terms (double spaces) are dropped rather than turned
// into a bare `*`. Returns null when there is nothing to search for.
export function queryStringText(text: string): string | null {
  if (text.startsWith("'")) {
    const raw = text.slice(1);
    return raw.trim() === '' ? null : raw;
  }
  const terms = text.split(' ').filter((t) => t !== '');
  if (terms.length === 0) return null;
  return terms.map((t) => `${t}*`).join(' ');
}

export function queryClause(text: string): JsonObject | null {
  const query = queryStringText(text);
  if (query === null) return null;
  return {
    query_string: {
      query,
      fields: QUERY_FIELDS,
      analyzer: 'standard',
      default_operator: 'AND',
      phrase_slop: 1,
      auto_generate_phrase_queries: true,
      analyze_wildcard: true,
      lenient: true,
      split_on_whitespace: true,
    },
  };
}

function term(field: string, value: string): JsonObject {
  return { term: { [field]: value } };
}

// One facet's filter: a term, or an OR of terms.
function facetFilter(id: FilterId, values: string[]): JsonObject | null {
  if (values.length === 0) return null;
  const field = FILTER_FIELDS[id];
  if (values.length === 1) return term(field, values[0]);
  return { bool: { should: values.map((v) => term(field, v)) } };
}

// SearchKit's BoolMust: a single clause is unwrapped.
function boolMust(clauses: JsonObject[]): JsonObject | null {
  if (clauses.length === 0) return null;
  if (clauses.length === 1) return clauses[0];
  return { bool: { must: clauses } };
}

// Every facet's filter except `except`'s, in component order.
export function filtersExcept(state: SearchState, except: FilterId | null): JsonObject | null {
  const clauses: JsonObject[] = [];
  for (const id of FILTER_ORDER) {
    if (id === except) continue;
    const f = facetFilter(id, state.filters[id]);
    if (f) clauses.push(f);
  }
  return boolMust(clauses);
}

function productsAgg(state: SearchState): JsonObject {
  return {
    filter: filtersExcept(state, 'products') ?? { match_all: {} },
    aggs: {
      [PRODUCTS.field]: { terms: { field: PRODUCTS.field, size: PRODUCT_TABS_SIZE } },
      [`${PRODUCTS.field}_count`]: { cardinality: { field: PRODUCTS.field } },
    },
  };
}

// The main search: 30 hits of the current page, the product tabs' counts,
// highlighting, and the no-hits helpers (suggest, no_filters_top_hits).
export function mainSearchBody(state: SearchState): JsonObject {
  const body: JsonObject = {};
  const query = queryClause(state.q);
  if (query) body.query = query;
  const postFilter = filtersExcept(state, null);
  if (postFilter) body.post_filter = postFilter;
  const aggs: JsonObject = { [PRODUCTS.aggName]: productsAgg(state) };
  if (query && postFilter) {
    aggs.no_filters_top_hits = { top_hits: { size: 1, _source: false } };
  }
  body.aggs = aggs;
  body.size = PAGE_SIZE;
  if (state.page > 1) body.from = PAGE_SIZE * (state.page - 1);
  const sort = SORTS.find((s) => s.key === state.sort) ?? SORTS[0];
  body.sort = [{ [sort.field]: 'desc' }];
  const fields: JsonObject = {};
  for (const f of HIGHLIGHT_FIELDS) fields[f] = {};
  body.highlight = { fields };
  if (state.q.length > 3) {
    body.suggest = {
      text: state.q,
      suggestions: {
        phrase: {
          field: 'target.version',
          real_word_error_likelihood: 0.95,
          max_errors: 1,
          gram_size: 4,
          direct_generator: [{ field: '_all', suggest_mode: 'always', min_word_length: 1 }],
        },
      },
    };
  }
  return body;
}

// The typeahead's include regex (Lucene syntax, as ES runs it): the typed
// text with regex metacharacters escaped, each lower-case letter matching
// either case, `.*` appended; past two characters, leading words are allowed.
// Lucene's extra operators (# @ & < > ~ ") are escaped too.
export function includeRegex(typed: string): string {
  let out = '';
  for (const ch of typed) {
    if (/[\\^$.*+?()[\]{}|#@&<>~"]/.test(ch)) out += `\\${ch}`;
    else if (ch >= 'a' && ch <= 'z') out += `[${ch}${ch.toUpperCase()}]`;
    else out += ch;
  }
  out += '.*';
  if ([...typed].length > 2) out = `([a-zA-Z]+ )+?${out}`;
  return out;
}

// The typeahead's own request: no hits, one aggregation over the facet's
// field under the other facets' filters, narrowed by what was typed.
export function facetSuggestBody(state: SearchState, facet: FacetSpec, typed: string): JsonObject {
  const body: JsonObject = {};
  const query = queryClause(state.q);
  if (query) body.query = query;
  const postFilter = filtersExcept(state, null);
  if (postFilter) body.post_filter = postFilter;
  const terms: JsonObject = {
    field: facet.field,
    size: FACET_SIZE,
    order: { _term: facet.order },
  };
  if (typed !== '') terms.include = includeRegex(typed);
  body.aggs = {
    [facet.aggName]: {
      filter: filtersExcept(state, facet.id) ?? { match_all: {} },
      aggs: {
        [facet.field]: { terms },
        [`${facet.field}_count`]: { cardinality: { field: facet.field } },
      },
    },
  };
  body.size = 0;
  return body;
}

export function facetById(id: string): FacetSpec | undefined {
  return FACETS.find((f) => f.id === id);
}
