import type { Input } from './contract';
import type { EventSummary, SignatureStatus } from './model';
import { SIGNATURE_STATUSES } from './values';
import { nothingToSearch } from './search';

/**
 * The event list's filters, each described once: its key in the page's URL, how it is read and
 * written there, the `listEvents` input it becomes, and how a live summary is matched against
 * it without asking the engine. The store's SQL for the same inputs lives in
 * `core/store/event-filters.ts`; a property test (test/core/filters-agree.test.ts) checks that
 * the store's answer and `matchesFilter` agree for every filter. A new filter is one row here,
 * one there, and a field in `Filter`.
 */
export interface Filter {
  query: string;
  method: string;
  endpointId: string;
  signature: SignatureStatus[];
  duplicatesOnly: boolean;
  refusedOnly: boolean;
  failedForwardsOnly: boolean;
  jobId: string;
  eventType: string;
}

/** Forward states counted as "failed" by the failed-forwards filter. */
export const FAILED_FORWARDS = ['retrying', 'failed', 'dead'] as const;

type ListInput = Input<'listEvents'>;

interface FilterDef<V> {
  /** The parameter in the page's URL hash (`#q=…&sig=invalid,stale`). */
  urlKey: string;
  /** The value when unset. */
  empty: V;
  /** From the URL parameter (null when absent); anything unknown reads as unset. */
  read(raw: string | null): V;
  /** To the URL parameter; '' removes it. */
  write(v: V): string;
  /** Adds the criterion to a `listEvents` input (called only when set). */
  toInput(v: V, input: ListInput): void;
  /** Whether a summary passes (called only when set); null when only the engine can tell. */
  match(v: V, e: EventSummary): boolean | null;
}

type FilterDefs = { [K in keyof Filter]: FilterDef<Filter[K]> };

const text = (
  urlKey: string,
  toInput: (v: string, input: ListInput) => void,
  match: (v: string, e: EventSummary) => boolean | null,
  read: (raw: string) => string = (raw) => raw,
): FilterDef<string> => ({
  urlKey,
  empty: '',
  read: (raw) => (raw === null ? '' : read(raw)),
  write: (v) => v,
  toInput,
  match,
});

const flag = (
  urlKey: string,
  on: string,
  toInput: (input: ListInput) => void,
  match: (e: EventSummary) => boolean,
): FilterDef<boolean> => ({
  urlKey,
  empty: false,
  read: (raw) => raw === on,
  write: (v) => (v ? on : ''),
  toInput: (_v, input) => toInput(input),
  match: (_v, e) => match(e),
});

const SIGNATURES: readonly SignatureStatus[] = SIGNATURE_STATUSES;

export const FILTERS: FilterDefs = {
  query: text(
    'q',
    (v, input) => {
      const q = v.trim();
      if (q) input.query = q.slice(0, 500);
    },
    // Free-text search runs in the engine (its index over path, headers and body); text with
    // no word in it filters nothing there, nor here.
    (v) => (v.trim() && nothingToSearch(v) === null ? null : true),
  ),
  method: text(
    'method',
    (v, input) => (input.method = v),
    (v, e) => e.method === v.toUpperCase(),
    (raw) => raw.toUpperCase().slice(0, 20),
  ),
  endpointId: text(
    'ep',
    (v, input) => (input.endpointId = v),
    (v, e) => e.endpointId === v,
  ),
  signature: {
    urlKey: 'sig',
    empty: [],
    read: (raw) => [
      ...new Set(
        (raw ?? '').split(',').filter((s): s is SignatureStatus => SIGNATURES.includes(s as never)),
      ),
    ],
    write: (v) => v.join(','),
    toInput: (v, input) => (input.signatureStatus = v),
    match: (v, e) => v.includes(e.signature.status),
  },
  duplicatesOnly: flag(
    'dup',
    '1',
    (input) => (input.duplicatesOnly = true),
    (e) => e.idempotency.duplicateOf !== null,
  ),
  refusedOnly: flag(
    'refused',
    '1',
    (input) => (input.refusedOnly = true),
    (e) => e.rejected !== undefined,
  ),
  failedForwardsOnly: flag(
    'fwd',
    'failed',
    (input) => (input.forwardStatus = [...FAILED_FORWARDS]),
    (e) => (FAILED_FORWARDS as readonly string[]).includes(e.forward.status),
  ),
  jobId: text(
    'job',
    (v, input) => (input.jobId = v),
    (v, e) => e.jobId === v,
  ),
  eventType: text(
    'type',
    (v, input) => (input.eventType = v),
    (v, e) => e.eventType === v,
  ),
};

const KEYS = Object.keys(FILTERS) as (keyof Filter)[];

/** Each filter's definition with its value in `filter`. */
function each(filter: Filter): [FilterDef<unknown>, unknown][] {
  return KEYS.map((k) => [FILTERS[k] as FilterDef<unknown>, filter[k]]);
}

/** Whether a value is not the filter's unset value. */
const isSet = (def: FilterDef<unknown>, v: unknown): boolean =>
  def.write(v) !== def.write(def.empty) && !(typeof v === 'string' && v.trim() === '');

export const EMPTY_FILTER: Filter = Object.fromEntries(
  KEYS.map((k) => [k, FILTERS[k].empty]),
) as unknown as Filter;

/** A stable string identifying the filter (equal filters give equal keys). */
export function filterKey(f: Filter): string {
  return JSON.stringify(
    each(f).map(([def, v]) =>
      Array.isArray(v) ? [...(v as string[])].sort().join(',') : def.write(v).trim(),
    ),
  );
}

/** True when no criterion is set. */
export function isEmptyFilter(f: Filter): boolean {
  return filterKey(f) === filterKey(EMPTY_FILTER);
}

/** Reads the filter from hash parameters (`#q=...&method=POST&sig=invalid,stale&dup=1`). */
export function parseFilter(params: URLSearchParams): Filter {
  return Object.fromEntries(
    KEYS.map((k) => [k, FILTERS[k].read(params.get(FILTERS[k].urlKey))]),
  ) as unknown as Filter;
}

/** Writes the filter into `params` (criteria that are unset are removed). */
export function writeFilter(params: URLSearchParams, f: Filter): URLSearchParams {
  for (const [def, v] of each(f)) {
    const w = def.write(v);
    if (w) params.set(def.urlKey, w);
    else params.delete(def.urlKey);
  }
  return params;
}

/** The listEvents input for this filter (without paging). */
export function toListInput(f: Filter): ListInput {
  const input: ListInput = {};
  for (const [def, v] of each(f)) if (isSet(def, v)) def.toInput(v, input);
  return input;
}

/**
 * Whether a live summary belongs in the filtered list. Null when it cannot be told here:
 * the free-text search runs in the engine (over path, headers and body).
 */
export function matchesFilter(f: Filter, e: EventSummary): boolean | null {
  let unknown = false;
  for (const [def, v] of each(f)) {
    if (!isSet(def, v)) continue;
    const m = def.match(v, e);
    if (m === false) return false;
    if (m === null) unknown = true;
  }
  return unknown ? null : true;
}
