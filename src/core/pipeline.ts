import { forwardUrl } from './forward/prepare';
import { uuidv7 } from './ids';
import type { EndpointResponse } from '../shared/model';
import type { Inspector } from './inspect';
import type { Ingest, LogRefusal } from './receiver';
import type { EndpointStore } from './store/endpoint-store';
import type { EventStore } from './store/event-store';
import type { Clock, IncomingDelivery } from './types';

const BAD_SIGNATURE = new Set(['invalid', 'stale', 'future', 'missing']);

function simulatedResponse(status: number): EndpointResponse {
  return {
    status,
    headers: [['Content-Type', 'application/json']],
    body: JSON.stringify({ error: 'simulated failure (hookscope)' }),
  };
}

/** The first Content-Type header as sent, or null. */
function contentTypeOf(headers: [string, string][]): string | null {
  return headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
}

type Deps = { endpoints: EndpointStore; events: EventStore; inspect: Inspector; clock: Clock };

/**
 * Endpoint match, checks and duplicate classification: what live and imported deliveries
 * share. Call in the same tick as the append (classification counts the pending batch).
 */
function check(deps: Deps, d: IncomingDelivery) {
  const endpoint = deps.endpoints.match(d.path);
  const inspection = deps.inspect(d, endpoint, deps.endpoints.secretsOf(endpoint.id), deps.clock());
  const id = uuidv7(d.receivedAt);
  const dup = deps.events.classify(endpoint.id, inspection.idempotency.key, id);
  const contentType = contentTypeOf(d.headers);
  return { endpoint, inspection, id, dup, contentType };
}

/**
 * The path of one webhook after the receiver: endpoint match → checks → durable write →
 * the endpoint's configured response. The returned promise settles only after the commit.
 */
export function createIngest(deps: Deps): Ingest {
  return async (d) => {
    const { endpoint, inspection, id, dup, contentType } = check(deps, d);
    const badSignature = BAD_SIGNATURE.has(inspection.signature.status);
    const simulated = deps.endpoints.takeSimulatedFailure(endpoint);
    const response =
      (simulated !== null ? simulatedResponse(simulated) : null) ??
      (badSignature ? endpoint.invalidSignatureResponse : null) ??
      (dup.duplicateOf !== null ? endpoint.duplicateResponse : null) ??
      endpoint.response;
    // Duplicates are forwarded too unless the endpoint says not to (their app must cope).
    const forward =
      endpoint.forwardTo !== null && (dup.duplicateOf === null || endpoint.forwardDuplicates);
    const target = forward ? forwardUrl(endpoint.forwardTo!, endpoint.path, d) : null;
    // Built field by field: spreading three objects into one is V8's slow path here.
    await deps.events.append({
      id,
      receivedAt: d.receivedAt,
      method: d.method,
      path: d.path,
      query: d.query,
      headers: d.headers,
      body: d.body,
      sourceIp: d.sourceIp,
      viaTunnel: d.viaTunnel,
      publicUrl: d.publicUrl,
      signature: inspection.signature,
      idempotency: inspection.idempotency,
      schema: inspection.schema,
      eventType: inspection.eventType,
      jobId: inspection.jobId,
      duplicateOf: dup.duplicateOf,
      deliveryCount: dup.deliveryCount,
      endpointId: endpoint.id,
      contentType,
      responseStatus: response.status,
      forwardStatus: target ? 'pending' : 'none',
      forwardTarget: target,
    });
    return {
      status: response.status,
      headers: response.headers ?? [],
      body: response.body ?? '',
      delayMs: response.delayMs ?? 0,
    };
  };
}

/**
 * Logs a request the receiver refused (limits): the request line and headers with the reason,
 * no body, no checks, never forwarded. Best effort: a refusal is answered whether or not this
 * could be stored.
 */
export function createRefusalLog(deps: Pick<Deps, 'endpoints' | 'events'>): LogRefusal {
  return (d, status, reason) => {
    const endpoint = deps.endpoints.match(d.path);
    deps.events
      .append({
        ...d,
        id: uuidv7(d.receivedAt),
        endpointId: endpoint.id,
        contentType: contentTypeOf(d.headers),
        signature: { status: 'none', provider: null, reason: `not checked: ${reason}` },
        idempotency: { key: null, source: null },
        schema: { status: 'none' },
        eventType: null,
        jobId: null,
        duplicateOf: null,
        deliveryCount: 1,
        responseStatus: status,
        forwardStatus: 'none',
        forwardTarget: null,
        rejected: reason,
      })
      .catch(() => undefined);
  };
}

/**
 * Stores deliveries read from a file (HAR/NDJSON) through the same checks as live ones, marked
 * as imported, never forwarded. Returns how many were stored.
 */
export async function importDeliveries(
  deps: Deps,
  items: { delivery: IncomingDelivery; responseStatus: number }[],
): Promise<number> {
  const appended = items.map(({ delivery: d, responseStatus }) => {
    const { endpoint, inspection, id, dup, contentType } = check(deps, d);
    return deps.events.append({
      ...d,
      ...inspection,
      ...dup,
      id,
      endpointId: endpoint.id,
      contentType,
      responseStatus,
      forwardStatus: 'none',
      forwardTarget: null,
      imported: true,
    });
  });
  await Promise.all(appended);
  return appended.length;
}
