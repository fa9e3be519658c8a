import type { Input } from '../../../shared/contract';
import type { EventSummary, SignatureStatus } from '../../../shared/model';

/** What the event list shows; kept in the URL hash so it survives a reload. */
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

export const EMPTY_FILTER: Filter = {
  query: '',
  method: '',
  endpointId: '',
  signature: [],
  duplicatesOnly: false,
  refusedOnly: false,
  failedForwardsOnly: false,
  jobId: '',
  eventType: '',
};

/** Forward states counted as "failed" by the failed-forwards filter. */
export const FAILED_FORWARDS = ['retrying', 'failed', 'dead'] as const;

const SIGNATURE_STATUSES: readonly SignatureStatus[] = [
  'valid',
  'invalid',
  'stale',
  'missing',
  'no-secret',
  'none',
  'future',
];

/** True when no criterion is set. */
export function isEmptyFilter(f: Filter): boolean {
  return filterKey(f) === filterKey(EMPTY_FILTER);
}

/** A stable string identifying the filter (equal filters give equal keys). */
export function filterKey(f: Filter): string {
  return JSON.stringify([
    f.query.trim(),
    f.method,
    f.endpointId,
    [...f.signature].sort(),
    f.duplicatesOnly,
    f.refusedOnly,
    f.failedForwardsOnly,
    f.jobId,
    f.eventType,
  ]);
}

/** Reads the filter from hash parameters (`#q=...&method=POST&sig=invalid,stale&dup=1`). */
export function parseFilter(params: URLSearchParams): Filter {
  const sig = (params.get('sig') ?? '')
    .split(',')
    .filter((s): s is SignatureStatus => (SIGNATURE_STATUSES as string[]).includes(s));
  return {
    query: params.get('q') ?? '',
    method: (params.get('method') ?? '').toUpperCase().slice(0, 20),
    endpointId: params.get('ep') ?? '',
    signature: [...new Set(sig)],
    duplicatesOnly: params.get('dup') === '1',
    refusedOnly: params.get('refused') === '1',
    failedForwardsOnly: params.get('fwd') === 'failed',
    jobId: params.get('job') ?? '',
    eventType: params.get('type') ?? '',
  };
}

/** Writes the filter into `params` (criteria that are unset are removed). */
export function writeFilter(params: URLSearchParams, f: Filter): URLSearchParams {
  const set = (k: string, v: string): void => (v ? params.set(k, v) : params.delete(k));
  set('q', f.query);
  set('method', f.method);
  set('ep', f.endpointId);
  set('sig', f.signature.join(','));
  set('dup', f.duplicatesOnly ? '1' : '');
  set('refused', f.refusedOnly ? '1' : '');
  set('fwd', f.failedForwardsOnly ? 'failed' : '');
  set('job', f.jobId);
  set('type', f.eventType);
  return params;
}

/** The listEvents input for this filter (without paging). */
export function toListInput(f: Filter): Input<'listEvents'> {
  const input: Input<'listEvents'> = {};
  const q = f.query.trim();
  if (q) input.query = q.slice(0, 500);
  if (f.method) input.method = f.method;
  if (f.endpointId) input.endpointId = f.endpointId;
  if (f.signature.length) input.signatureStatus = f.signature;
  if (f.duplicatesOnly) input.duplicatesOnly = true;
  if (f.refusedOnly) input.refusedOnly = true;
  if (f.failedForwardsOnly) input.forwardStatus = [...FAILED_FORWARDS];
  if (f.jobId) input.jobId = f.jobId;
  if (f.eventType) input.eventType = f.eventType;
  return input;
}

/**
 * Whether a live summary belongs in the filtered list. Null when it cannot be told here:
 * the free-text search runs on the server (FTS over path, headers and body).
 */
export function matchesFilter(f: Filter, e: EventSummary): boolean | null {
  if (f.method && e.method.toUpperCase() !== f.method) return false;
  if (f.endpointId && e.endpointId !== f.endpointId) return false;
  if (f.signature.length && !f.signature.includes(e.signature.status)) return false;
  if (f.duplicatesOnly && e.idempotency.duplicateOf === null) return false;
  if (f.refusedOnly && e.rejected === undefined) return false;
  if (f.failedForwardsOnly && !(FAILED_FORWARDS as readonly string[]).includes(e.forward.status))
    return false;
  if (f.jobId && e.jobId !== f.jobId) return false;
  if (f.eventType && e.eventType !== f.eventType) return false;
  if (f.query.trim()) return null;
  return true;
}
