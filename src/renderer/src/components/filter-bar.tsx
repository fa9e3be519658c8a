import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Endpoint, EventCounts, SignatureStatus } from '../../../shared/model';
import { SIGNATURE_STATUSES } from '../../../shared/values';
import { verdictTitle } from '../format/signature-help';
import { nothingToSearch, SEARCH_HINT } from '../../../shared/search';
import { EMPTY_FILTER, isEmptyFilter, type Filter } from '../../../shared/filters';
import { useClient } from '../client-context';
import { useLoad } from '../hooks/use-load';
import { pillCount } from '../model/pill-counts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
// The verdicts in the same words as the list's pills and the detail's card.
const SIGNATURES: { value: string; label: string }[] = [
  { value: '', label: 'Any signature' },
  { value: 'invalid,stale,future,missing', label: 'Problems only' },
  ...SIGNATURE_STATUSES.map((s) => ({ value: s, label: verdictTitle(s) })),
];
/** The on/off filters, each a checkbox. */
const TOGGLES: {
  key: 'duplicatesOnly' | 'refusedOnly' | 'failedForwardsOnly';
  label: string;
  testId: string;
  title: string;
}[] = [
  {
    key: 'duplicatesOnly',
    label: 'Duplicates',
    testId: 'filter-duplicates',
    title: 'Deliveries with the idempotency key of an earlier one',
  },
  {
    key: 'refusedOnly',
    label: 'Refused',
    testId: 'filter-refused',
    title: 'Requests the receiver refused (size, header or rate limits)',
  },
  {
    key: 'failedForwardsOnly',
    label: 'Failed forwards',
    testId: 'filter-failed-forwards',
    title: 'Forwards being retried, failed or dead-lettered',
  },
];
const SEARCH_DEBOUNCE_MS = 250;
/** Live changes within this many ms are counted once (the counts are exact, not per push). */
const COUNT_COALESCE_MS = 500;

/** What a pill's number counts (the list's own count says how many match everything). */
const COUNT_MEANS =
  'Events in the log with this, within the chosen endpoint; the search and the other filters are not applied to this number';

/** How many events each filter pill matches, within the chosen endpoint; kept live. */
function usePillCounts(endpointId: string): EventCounts | undefined {
  const client = useClient();
  return useLoad(() => client.countEvents(endpointId ? { endpointId } : {}), [client, endpointId], {
    keep: true,
    refreshOn: ['events.batch', 'events.deleted', 'events.reset'],
    coalesceMs: COUNT_COALESCE_MS,
  }).data;
}

/** Search box and filters; every change lands in the URL hash through `onChange`. */
export function FilterBar({
  filter,
  endpoints,
  onChange,
  searchRef,
}: {
  filter: Filter;
  endpoints: Endpoint[];
  onChange: (f: Filter) => void;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const [text, setText] = useState(filter.query);
  const [focused, setFocused] = useState(false);
  const latest = useRef(filter);
  useEffect(() => {
    latest.current = filter;
  });
  // A query changed from outside (hash, Clear, a job link) replaces what is typed.
  const [outside, setOutside] = useState(filter.query);
  if (outside !== filter.query) {
    setOutside(filter.query);
    setText(filter.query);
  }
  useEffect(() => {
    if (text === latest.current.query) return;
    const t = setTimeout(() => onChange({ ...latest.current, query: text }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [text, onChange]);

  const counts = usePillCounts(filter.endpointId);
  const set = (patch: Partial<Filter>): void => onChange({ ...filter, ...patch });
  const sigValue = [...filter.signature].join(',');
  const sigKnown = SIGNATURES.some((s) => s.value === sigValue);
  // `(`, `*` or `""` hold no word: said, rather than seeming to match everything.
  const nothing = nothingToSearch(text);
  return (
    <div className="filterbar" role="search">
      <input
        ref={searchRef}
        className="search"
        type="search"
        placeholder="Search paths, headers and bodies   ( / )"
        aria-label="Search"
        data-testid="search"
        title={SEARCH_HINT}
        aria-describedby="search-hint"
        value={text}
        spellCheck={false}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onChange={(ev) => setText(ev.target.value)}
        onKeyDown={(ev) => {
          if (ev.key === 'Escape') ev.currentTarget.blur();
          if (ev.key === 'Enter') onChange({ ...filter, query: text });
        }}
      />
      <select
        aria-label="Method"
        data-testid="filter-method"
        value={filter.method}
        onChange={(ev) => set({ method: ev.target.value })}
      >
        <option value="">Any method</option>
        {METHODS.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <select
        aria-label="Endpoint"
        title={COUNT_MEANS}
        data-testid="filter-endpoint"
        value={filter.endpointId}
        onChange={(ev) => set({ endpointId: ev.target.value })}
      >
        <option value="">All endpoints</option>
        {endpoints.map((e) => (
          <option key={e.id} value={e.id}>
            {e.name} ({e.path}){pillCount(counts, { endpoint: e.id })}
          </option>
        ))}
      </select>
      <select
        aria-label="Signature"
        title={COUNT_MEANS}
        data-testid="filter-signature"
        value={sigKnown ? sigValue : ''}
        onChange={(ev) =>
          set({
            signature: ev.target.value ? (ev.target.value.split(',') as SignatureStatus[]) : [],
          })
        }
      >
        {SIGNATURES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
            {s.value && pillCount(counts, { signature: s.value.split(',') as SignatureStatus[] })}
          </option>
        ))}
      </select>
      {TOGGLES.map((t) => (
        <label className="check" key={t.key} title={t.title}>
          <input
            type="checkbox"
            data-testid={t.testId}
            checked={filter[t.key]}
            onChange={(ev) => set({ [t.key]: ev.target.checked })}
          />
          {t.label}
          <span className="muted pill-count" data-testid={`${t.testId}-count`} title={COUNT_MEANS}>
            {pillCount(counts, { toggle: t.key })}
          </span>
        </label>
      ))}
      {filter.jobId && (
        <button
          type="button"
          className="chip"
          title="Remove the job filter"
          onClick={() => set({ jobId: '' })}
        >
          job <span className="mono">{filter.jobId}</span> ✕
        </button>
      )}
      {filter.eventType && (
        <button
          type="button"
          className="chip"
          title="Remove the event type filter"
          onClick={() => set({ eventType: '' })}
        >
          type <span className="mono">{filter.eventType}</span> ✕
        </button>
      )}
      {(focused || nothing) && (
        // How a search is read, while one is typed (always the input's tooltip). It floats over
        // the list and lets clicks through: in the flow, its going away on blur moved the rows
        // under the pointer between mousedown and click, and the click opened nothing.
        <p
          id="search-hint"
          className={`search-hint small ${nothing ? 'search-nothing' : 'muted'}`}
          data-testid="search-hint"
          role={nothing ? 'status' : undefined}
        >
          {nothing ? `${nothing} ${SEARCH_HINT}` : SEARCH_HINT}
        </p>
      )}
      {!isEmptyFilter(filter) && (
        <button
          type="button"
          className="btn btn-link"
          data-testid="clear-filters"
          onClick={() => {
            setText('');
            onChange(EMPTY_FILTER);
          }}
        >
          Clear
        </button>
      )}
    </div>
  );
}
