import { FAILED_FORWARDS } from '../../shared/filters';
import {
  BODY_HASH_SOURCE,
  ForwardStatus,
  SignatureStatus,
  type EventCounts,
  type EventDetail,
  type EventSummary,
} from '../../shared/model';
import type { Classification, Disposition, NewEvent } from '../types';
import type { StoredResponse } from './response-store';
import type { ListFilter } from './event-store';

/** Columns a summary needs (never the body). */
export const SUMMARY_COLUMNS = `seq, rev, id, received_at, endpoint_id, method, path, size, content_type,
  via_tunnel, imported, event_type, job_id, sig_status, sig_provider, duplicate_of, delivery_count, schema_status,
  response_status, forward_status, rejected, idem_source, idem_key, may_be_first`;

export interface SummaryRow {
  seq: number;
  rev: number;
  id: string;
  received_at: number;
  endpoint_id: string;
  method: string;
  path: string;
  size: number;
  content_type: string | null;
  via_tunnel: number;
  imported: number;
  event_type: string | null;
  job_id: string | null;
  sig_status: EventSummary['signature']['status'];
  sig_provider: string | null;
  duplicate_of: string | null;
  delivery_count: number;
  schema_status: EventSummary['schema']['status'];
  response_status: number;
  forward_status: EventSummary['forward']['status'];
  rejected: string | null;
  idem_source: string | null;
  idem_key: string | null;
  may_be_first: number;
}

export interface DetailRow extends SummaryRow {
  query: string;
  source_ip: string | null;
  public_url: string | null;
  headers: string;
  sig_reason: string;
  schema_name: string | null;
  schema_issues: string | null;
  /** The stored response's JSON (ResponseStore), when the event has one. */
  response_json?: string | null;
}

/** Maps a row to the wire summary. */
export function toSummary(r: SummaryRow): EventSummary {
  return {
    id: r.id,
    seq: r.seq,
    rev: r.rev,
    receivedAt: new Date(r.received_at).toISOString(),
    endpointId: r.endpoint_id,
    method: r.method,
    path: r.path,
    size: r.size,
    contentType: r.content_type,
    viaTunnel: r.via_tunnel === 1,
    imported: r.imported === 1,
    eventType: r.event_type,
    jobId: r.job_id,
    signature: { status: r.sig_status, provider: r.sig_provider },
    idempotency: {
      duplicateOf: r.duplicate_of,
      deliveryCount: r.delivery_count,
      ...(r.idem_source === BODY_HASH_SOURCE
        ? { byBodyHash: true }
        : r.idem_key !== null
          ? { deliveryId: r.idem_key }
          : {}),
      ...(r.may_be_first === 0 && r.duplicate_of === null && r.idem_key !== null
        ? { unverified: true }
        : {}),
    },
    schema: { status: r.schema_status },
    forward: { status: r.forward_status },
    response: { status: r.response_status },
    ...(r.rejected !== null ? { rejected: r.rejected } : {}),
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const exactUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as text when it is valid UTF-8, else undefined. */
export function bodyText(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/**
 * `length` bytes of `body` from `offset`, as text when the whole body is UTF-8 (`wholeText`),
 * the end moved back so no character is split, else as base64.
 */
export function bodyPart(
  body: Buffer,
  offset: number,
  length: number,
  wholeText: boolean,
): { size: number; offset: number; length: number; text?: string; base64?: string } {
  const start = Math.min(offset, body.length);
  let end = Math.min(body.length, start + length);
  if (wholeText) {
    let e = end;
    while (e > start && e < body.length && (body[e]! & 0xc0) === 0x80) e--;
    if (e > start) end = e;
  }
  const slice = body.subarray(start, end);
  let text: string | undefined;
  try {
    // A BOM is kept as U+FEFF: the text must give back the exact bytes.
    if (wholeText) text = exactUtf8.decode(slice);
  } catch {
    text = undefined; // an offset inside a character: base64 then
  }
  const part = { size: body.length, offset: start, length: end - start };
  return text !== undefined ? { ...part, text } : { ...part, base64: slice.toString('base64') };
}

/** Maps a row and its body to the wire detail. */
export function toDetail(r: DetailRow, body: Buffer): EventDetail {
  const s = toSummary(r);
  const text = bodyText(body);
  const schema: EventDetail['schema'] = { status: r.schema_status };
  if (r.schema_name) schema.name = r.schema_name;
  if (r.schema_issues) schema.issues = JSON.parse(r.schema_issues) as string[];
  return {
    ...s,
    query: r.query,
    sourceIp: r.source_ip,
    publicUrl: r.public_url,
    headers: JSON.parse(r.headers) as [string, string][],
    body: {
      base64: body.toString('base64'),
      size: body.length,
      ...(text !== undefined ? { text } : {}),
    },
    signature: { status: r.sig_status, provider: r.sig_provider, reason: r.sig_reason },
    idempotency: {
      key: r.idem_key,
      source: r.idem_source,
      duplicateOf: r.duplicate_of,
      deliveryCount: r.delivery_count,
      ...(r.idem_source === BODY_HASH_SOURCE ? { byBodyHash: true } : {}),
      ...(s.idempotency.unverified ? { unverified: true } : {}),
    },
    schema,
    response: {
      status: r.response_status,
      ...(r.response_json ? (JSON.parse(r.response_json) as StoredResponse) : {}),
    },
    forwards: [],
  };
}

/**
 * Whether a delivery can be the sender's own: not one whose signature failed or was missing,
 * nor one the pipeline marks unverified (its endpoint has a secret, it did not verify).
 */
export function mayBeFirst(e: NewEvent): boolean {
  const s = e.signature.status;
  return s !== 'invalid' && s !== 'missing' && e.unverified !== true;
}

/** The row a delivery is stored as, on every backend (its summary is read from it). */
export function newEventRow(
  e: NewEvent,
  seq: number,
  dup: Classification,
  d: Disposition,
): DetailRow {
  return {
    seq,
    rev: seq,
    id: e.id,
    received_at: e.receivedAt,
    endpoint_id: e.endpointId,
    method: e.method,
    path: e.path,
    query: e.query,
    source_ip: e.sourceIp,
    via_tunnel: e.viaTunnel ? 1 : 0,
    imported: e.imported ? 1 : 0,
    public_url: e.publicUrl,
    event_type: e.eventType,
    job_id: e.jobId,
    headers: JSON.stringify(e.headers),
    size: e.body.length,
    content_type: e.contentType,
    sig_status: e.signature.status,
    sig_provider: e.signature.provider,
    sig_reason: e.signature.reason,
    idem_key: e.idempotency.key,
    idem_source: e.idempotency.source,
    duplicate_of: dup.duplicateOf,
    delivery_count: dup.deliveryCount,
    schema_status: e.schema.status,
    schema_name: e.schema.name ?? null,
    schema_issues: e.schema.issues ? JSON.stringify(e.schema.issues) : null,
    response_status: d.responseStatus,
    forward_status: d.forwardStatus,
    rejected: e.rejected ?? null,
    may_be_first: mayBeFirst(e) ? 1 : 0,
  };
}

/** A row of the counters kept with the log (`event_counts`): endpoint, key, count. */
export interface CounterRow {
  e: string;
  k: string;
  n: number;
}

/**
 * The filter pills' counts from the counter rows, on every backend: all of them, or one
 * endpoint's (`endpoints` always has every endpoint's total).
 */
export function countsFrom(rows: Iterable<CounterRow>, endpointId?: string): EventCounts {
  const out: EventCounts = {
    total: 0,
    signature: Object.fromEntries(
      SignatureStatus.options.map((s) => [s, 0]),
    ) as EventCounts['signature'],
    forward: Object.fromEntries(ForwardStatus.options.map((s) => [s, 0])) as EventCounts['forward'],
    duplicates: 0,
    refused: 0,
    failedForwards: 0,
    endpoints: {},
  };
  for (const { e, k, n } of rows) {
    if (k === 'all') out.endpoints[e] = n;
    if (endpointId !== undefined && e !== endpointId) continue;
    if (k === 'all') out.total += n;
    else if (k === 'dup') out.duplicates += n;
    else if (k === 'refused') out.refused += n;
    else if (k.startsWith('sig:')) {
      const v = k.slice(4) as SignatureStatus;
      if (v in out.signature) out.signature[v] += n;
    } else if (k.startsWith('fwd:')) {
      const v = k.slice(4) as keyof EventCounts['forward'];
      if (v in out.forward) out.forward[v] += n;
    }
  }
  out.failedForwards = FAILED_FORWARDS.reduce((sum, s) => sum + out.forward[s], 0);
  return out;
}

/**
 * A list's total read from the counters kept with the log, when its filter is at most one
 * pill (a verdict, a forward state, duplicates, refused, a method, an event type), else null
 * (then counted from the rows). The same on every backend.
 */
export async function totalFromCounters(
  f: Pick<
    ListFilter,
    | 'signatureStatus'
    | 'forwardStatus'
    | 'duplicatesOnly'
    | 'refusedOnly'
    | 'method'
    | 'eventType'
    | 'jobId'
  >,
  /** The sum of one counter (`method:GET`, `type:invoice.paid`) within the filter's endpoint. */
  counter: (key: string) => number | Promise<number>,
  counts: () => Promise<EventCounts>,
): Promise<number | null> {
  const pills = [
    f.signatureStatus,
    f.forwardStatus,
    f.duplicatesOnly || undefined,
    f.refusedOnly || undefined,
    f.method,
    f.eventType,
  ].filter((v) => v !== undefined);
  if (f.jobId !== undefined || pills.length > 1) return null;
  // By method and event type: their own counters.
  if (f.method !== undefined) return counter(`method:${f.method.toUpperCase()}`);
  // '' is no type on the counters ('type:') but a type of '' in the rows: counted there.
  if (f.eventType !== undefined) return f.eventType === '' ? null : counter(`type:${f.eventType}`);
  const c = await counts();
  const sum = (values: string[], of: Record<string, number>): number =>
    values.reduce((n, v) => n + (of[v] ?? 0), 0);
  if (f.signatureStatus) return sum(f.signatureStatus, c.signature);
  if (f.forwardStatus) return sum(f.forwardStatus, c.forward);
  if (f.duplicatesOnly) return c.duplicates;
  if (f.refusedOnly) return c.refused;
  return c.total;
}
