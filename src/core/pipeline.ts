import { forwardUrl } from '../shared/forward-url';
import { uuidv7 } from './ids';
import type { Endpoint, EndpointResponse } from '../shared/model';
import { decodeForDisplay, displayDecodeLimit } from './decode-body';
import type { BodyView, Inspector } from './inspect';
import { unreadVerdict } from './schemas/issues';
import type { SchemaResult } from './schemas';
import type { SchemaChecker } from './schemas/schema-checker';
import type { Ingest, LogRefusal } from './receiver';
import type { EndpointRepo, EventLog } from './store/ports';
import type { ImportedDelivery } from './transfer/formats';
import type { Classification, Clock, Disposition, IncomingDelivery, Inspection } from './types';
import { VERIFIED_SIGNATURES } from './signatures/common';

const BAD_SIGNATURE = new Set(['invalid', 'stale', 'future', 'missing']);

/**
 * A delivery to an endpoint that has a secret, whose signature did not verify (unsigned on an
 * `auto` endpoint, say): it may not be the first of its delivery id (EventStore.classify).
 */
function unverified(endpoint: Endpoint, status: string): boolean {
  return endpoint.secretCount > 0 && !VERIFIED_SIGNATURES.has(status);
}

const simulated = new Map<number, EndpointResponse>();

/** The answer of a simulated failure (one object per status: events reference it). */
function simulatedResponse(status: number): EndpointResponse {
  let r = simulated.get(status);
  if (!r) {
    r = {
      status,
      headers: [['Content-Type', 'application/json']],
      body: JSON.stringify({ error: 'simulated failure (hookscope)' }),
    };
    simulated.set(status, r);
  }
  return r;
}

/** The first Content-Type header as sent, or null. */
function contentTypeOf(headers: [string, string][]): string | null {
  return headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
}

type Deps = {
  endpoints: EndpointRepo;
  events: EventLog;
  inspect: Inspector;
  clock: Clock;
  schemas: SchemaChecker;
};

/** The verdict of the endpoint's own JSON Schema, from the schema worker; null without one. */
function userSchema(
  deps: Deps,
  endpoint: Endpoint,
  d: IncomingDelivery,
  view: BodyView | null,
  background = false,
): Promise<SchemaResult> | null {
  if (endpoint.jsonSchema === null) return null;
  if (view?.cut) {
    return Promise.resolve(unreadVerdict(`decoded to more than ${view.limit}, not parsed`));
  }
  return deps.schemas.check(endpoint.jsonSchema, view?.bytes ?? d.body, background, endpoint.id);
}

const mb = (n: number): string => `${+(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * A gzip/deflate/br body decoded for its checks (event type, delivery id, schema), by the same
 * streamed decoder and cap as the Body tab (decodeForDisplay: zlib's pool, never long on this
 * thread); null for a body without a Content-Encoding (most) or one that does not decode (its
 * checks read the stored bytes). Signatures stay over the raw bytes.
 */
function encoded(d: IncomingDelivery): boolean {
  return (
    d.body.length > 0 &&
    d.headers.some(([n]) => n.length === 16 && n.toLowerCase() === 'content-encoding')
  );
}

async function bodyView(d: IncomingDelivery): Promise<BodyView | null> {
  const limit = displayDecodeLimit(d.body.length);
  const decoded = await decodeForDisplay(d.headers, d.body, limit);
  if ('error' in decoded) return null;
  return { bytes: decoded.bytes, cut: decoded.cut, limit: mb(limit) };
}

/** The checks live and imported deliveries share (the log classifies duplicates itself). */
function check(
  deps: Deps,
  d: IncomingDelivery,
  endpoint: Endpoint,
  schema: SchemaResult | null,
  view: BodyView | null,
) {
  const secrets = deps.endpoints.secretsOf(endpoint.id);
  const inspection = deps.inspect(d, endpoint, secrets, deps.clock(), schema, view);
  const id = uuidv7(d.receivedAt);
  const contentType = contentTypeOf(d.headers);
  return { inspection, id, contentType };
}

/**
 * The path of one webhook after the receiver: endpoint match → checks → durable write →
 * the endpoint's configured response. The returned promise settles only after the commit.
 */
export function createIngest(deps: Deps): Ingest {
  return async (d) => {
    const endpoint = deps.endpoints.match(d.path);
    // A user's schema runs in the schema worker: the receiver waits for its verdict (bounded)
    // without blocking other deliveries. No await (no extra turn) for the usual body without
    // a Content-Encoding.
    const view = encoded(d) ? await bodyView(d) : null;
    const schemaCheck = userSchema(deps, endpoint, d, view);
    const schema = schemaCheck === null ? null : await schemaCheck;
    const { inspection, id, contentType } = check(deps, d, endpoint, schema, view);
    const badSignature = BAD_SIGNATURE.has(inspection.signature.status);
    const failure = deps.endpoints.takeSimulatedFailure(endpoint);
    const fixed =
      (failure !== null ? simulatedResponse(failure) : null) ??
      (badSignature ? endpoint.invalidSignatureResponse : null);
    let response = endpoint.response;
    // What a duplicate is answered and whether it is forwarded follow from the log's
    // classification, made inside the append.
    const dispose = (dup: Classification): Disposition => {
      response =
        fixed ?? (dup.duplicateOf !== null ? endpoint.duplicateResponse : null) ?? response;
      // Duplicates are forwarded too unless the endpoint says not to (their app must cope).
      const forward =
        endpoint.forwardTo !== null && (dup.duplicateOf === null || endpoint.forwardDuplicates);
      // A path that would leave the target's path is refused: the job is dead-lettered at once.
      const plan = forward
        ? forwardUrl({
            target: endpoint.forwardTo!,
            endpointPath: endpoint.path,
            path: d.path,
            query: d.query,
          })
        : null;
      return {
        responseStatus: response.status,
        response,
        forwardStatus: plan === null ? 'none' : plan.ok ? 'pending' : 'dead',
        forwardTarget: plan === null ? null : plan.ok ? plan.url : endpoint.forwardTo,
        forwardRefused: plan?.ok === false ? plan.refused : undefined,
      };
    };
    // Built field by field: spreading three objects into one is V8's slow path here.
    await deps.events.append(
      {
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
        endpointId: endpoint.id,
        contentType,
        unverified: unverified(endpoint, inspection.signature.status),
      },
      dispose,
    );
    return {
      status: response.status,
      headers: response.headers ?? [],
      body: response.body ?? '',
      delayMs: response.delayMs ?? 0,
    };
  };
}

/** Headers kept on a refused request (a refusal may be for having thousands). */
const REFUSED_HEADERS_KEPT = 100;

/**
 * Logs a request the receiver refused (limits): the request line and the first 100 headers
 * with the reason, no body, no checks, never forwarded. Best effort: a refusal is answered
 * whether or not this could be stored. Which refusals get here is the receiver's ClientGate's
 * call (a flood from one client is logged once a minute).
 */
export function createRefusalLog(deps: Pick<Deps, 'endpoints' | 'events'>): LogRefusal {
  return (d, status, reason) => {
    const endpoint = deps.endpoints.match(d.path);
    deps.events
      .append(
        {
          ...d,
          headers: d.headers.slice(0, REFUSED_HEADERS_KEPT),
          id: uuidv7(d.receivedAt),
          endpointId: endpoint.id,
          contentType: contentTypeOf(d.headers),
          signature: { status: 'none', provider: null, reason: `not checked: ${reason}` },
          idempotency: { key: null, source: null },
          schema: { status: 'none' },
          eventType: null,
          jobId: null,
          rejected: reason,
        },
        { responseStatus: status, forwardStatus: 'none', forwardTarget: null },
      )
      .catch(() => undefined);
  };
}

/** Deliveries checked and committed together before the import yields to the event loop. */
export const IMPORT_CHUNK = 250;

/**
 * Stores deliveries read from a file (HAR/NDJSON), marked as imported, never forwarded, entered
 * in the log now (retention ages them from now, not from when they were first received). An
 * event Hookscope exported keeps its id and the verdicts it was exported with (a signature
 * checked again now would be stale); others go through the same checks as live ones. An event
 * whose id is already in the log (its original, or an earlier import of the same file) is
 * skipped, so importing a file twice, or into the log it came from, adds nothing and makes no
 * duplicates. Works in chunks of IMPORT_CHUNK, each committed before the next, so live
 * deliveries are stored and answered between them; user-schema checks of an import queue
 * behind live ones. Returns how many were stored and how many skipped.
 */
export async function importDeliveries(
  deps: Deps,
  items: ImportedDelivery[],
): Promise<{ imported: number; skipped: number }> {
  const storedAt = deps.clock();
  const seen = new Set<string>();
  const known = await Promise.all(
    items.map(({ origin }) => (origin?.id ? deps.events.summary(origin.id) : undefined)),
  );
  const fresh = items.filter(({ origin }, i) => {
    const id = origin?.id;
    if (!id) return true;
    if (seen.has(id) || known[i] !== undefined) return false;
    seen.add(id);
    return true;
  });
  for (let at = 0; at < fresh.length; at += IMPORT_CHUNK) {
    const chunk = fresh.slice(at, at + IMPORT_CHUNK).map((item) => ({
      ...item,
      endpoint: deps.endpoints.match(item.delivery.path),
    }));
    const views = await Promise.all(
      chunk.map(({ delivery, origin }) =>
        !origin?.verdicts && encoded(delivery) ? bodyView(delivery) : null,
      ),
    );
    const schemas = await Promise.all(
      chunk.map(({ delivery, endpoint, origin }, k) =>
        origin?.verdicts ? null : userSchema(deps, endpoint, delivery, views[k] ?? null, true),
      ),
    );
    const appended = chunk.map(({ delivery: d, responseStatus, response, endpoint, origin }, k) => {
      const kept = origin?.verdicts;
      let inspection: Inspection;
      let id: string;
      let contentType: string | null;
      if (kept) {
        inspection = kept;
        id = origin.id ?? uuidv7(d.receivedAt);
        contentType = contentTypeOf(d.headers);
      } else {
        ({ inspection, id, contentType } = check(
          deps,
          d,
          endpoint,
          schemas[k] ?? null,
          views[k] ?? null,
        ));
        if (origin?.id) id = origin.id;
      }
      return deps.events.append(
        {
          ...d,
          ...inspection,
          id,
          endpointId: endpoint.id,
          contentType,
          imported: true,
          storedAt,
          // The rule of a live delivery: unsigned on an endpoint with a secret is no one's first.
          unverified: unverified(endpoint, inspection.signature.status),
        },
        { responseStatus, response, forwardStatus: 'none', forwardTarget: null },
      );
    });
    await Promise.all(appended);
  }
  return { imported: fresh.length, skipped: items.length - fresh.length };
}
