// A multi-select typeahead facet (the original's RefinementAutosuggest): the
// selected values as removable chips, and a list of the field's values with
// counts under the current query and the other facets' filters, narrowed by
// what is typed. Values are fetched on focus and while typing (debounced);
// nothing is fetched until the box is used.

import { useEffect, useRef, useState } from 'preact/hooks';
import { search, type Bucket } from '../api';
import { facetSuggestBody } from '../search/request';
import type { FacetSpec, SearchState } from '../search/state';
import { formatCount } from '../format';

const DEBOUNCE_MS = 200;
// The list shows this many values; typing narrows it.
const MAX_SHOWN = 200;

interface Props {
  facet: FacetSpec;
  state: SearchState;
  selected: string[];
  onChange: (values: string[]) => void;
}

interface Options {
  buckets: Bucket[];
  distinct: number;
}

export function Facet({ facet, state, selected, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [options, setOptions] = useState<Options | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = `facet-${facet.id}-list`;

  // The context the suggestions depend on (query + every filter).
  const contextKey = JSON.stringify([state.q, state.filters]);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    const timer = setTimeout(
      () => {
        setLoading(true);
        search(facetSuggestBody(state, facet, typed), controller.signal)
          .then((r) => {
            const agg = r.aggregations?.[facet.aggName] ?? {};
            setOptions({
              buckets: (agg[facet.field]?.buckets ?? []) as Bucket[],
              distinct: agg[`${facet.field}_count`]?.value ?? 0,
            });
            setError(null);
            setActive(0);
            setLoading(false);
          })
          .catch((e: Error) => {
            if (controller.signal.aborted) return;
            setError(e.message);
            setLoading(false);
          });
      },
      typed === '' ? 0 : DEBOUNCE_MS,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [open, typed, contextKey]);

  const shown = (options?.buckets ?? []).slice(0, MAX_SHOWN);

  const toggle = (value: string) => {
    if (selected.includes(value)) onChange(selected.filter((v) => v !== value));
    else onChange([...selected, value]);
    setTyped('');
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, Math.max(shown.length - 1, 0)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      if (open && shown[active]) {
        e.preventDefault();
        toggle(shown[active].key);
      }
    } else if (e.key === 'Escape') {
      setOpen(false);
    } else if (e.key === 'Backspace' && typed === '' && selected.length > 0) {
      onChange(selected.slice(0, -1));
    }
  };

  return (
    <div class="facet" data-facet={facet.id}>
      <label class="facet-title" for={`facet-${facet.id}-input`}>
        {facet.title}
      </label>
      <div class={`facet-box${open ? ' is-open' : ''}`} onClick={() => inputRef.current?.focus()}>
        {selected.map((value) => (
          <span class="facet-chip" key={value}>
            {value}
            <button
              type="button"
              class="facet-chip-remove"
              aria-label={`Remove ${facet.title} ${value}`}
              onClick={(e) => {
                e.stopPropagation();
                onChange(selected.filter((v) => v !== value));
              }}
            >
              ×
            </button>
          </span>
        ))}
        <input
          id={`facet-${facet.id}-input`}
          ref={inputRef}
          class="facet-input"
          type="text"
          autocomplete="off"
          spellcheck={false}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          placeholder={selected.length ? '' : `Any ${facet.title.toLowerCase()}`}
          value={typed}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onInput={(e) => {
            setTyped((e.currentTarget as HTMLInputElement).value);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
        />
      </div>
      {open && (
        <ul class="facet-options" id={listId} role="listbox" aria-multiselectable="true">
          {error && <li class="facet-note facet-error">{error}</li>}
          {!error && options === null && <li class="facet-note">Loading…</li>}
          {!error && options !== null && shown.length === 0 && !loading && (
            <li class="facet-note">No {facet.title.toLowerCase()} matches</li>
          )}
          {shown.map((b, i) => (
            <li
              key={b.key}
              role="option"
              aria-selected={selected.includes(b.key)}
              class={`facet-option${i === active ? ' is-active' : ''}${selected.includes(b.key) ? ' is-selected' : ''}`}
              data-value={b.key}
              // mousedown, not click: the input's blur would close the list first.
              onMouseDown={(e) => {
                e.preventDefault();
                toggle(b.key);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span class="facet-option-key">{b.key}</span>
              <span class="facet-option-count">{formatCount(b.doc_count)}</span>
            </li>
          ))}
          {options !== null && options.buckets.length > shown.length && (
            <li class="facet-note">
              {formatCount(options.buckets.length - shown.length)} more; type to narrow
            </li>
          )}
          {options !== null && shown.length > 0 && options.distinct > options.buckets.length && typed === '' && (
            <li class="facet-note">about {formatCount(options.distinct)} values in all; type to narrow</li>
          )}
        </ul>
      )}
    </div>
  );
}
