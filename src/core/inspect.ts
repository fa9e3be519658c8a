import { createHash } from 'node:crypto';
import { BODY_HASH_SOURCE, type Endpoint } from '../shared/model';
import { providerRows } from '../shared/providers';
import { MAX_JSON_BYTES, parseJson } from './json-body';
import { topLevelFields } from './json-fields';
import { issue } from './schemas/issues';
import { checkSchema, openAiJob } from './schemas';
import { HeaderBag } from './signatures/headers';
import { recognisedBy, resolveScheme } from './signatures/registry';
import type { IdempotencyKey, SignatureInput } from './signatures/types';
import type { IncomingDelivery, Inspection } from './types';

/**
 * Runs the per-delivery checks (signature, idempotency key, schema) before the delivery is
 * stored and answered. Pure: no I/O, `now` comes from the caller's clock. Never throws.
 * `userSchema` is the verdict of the endpoint's own JSON Schema, checked beforehand off this
 * thread (SchemaChecker), or null when the endpoint has none: then the provider's built-in
 * schema applies.
 */
export type Inspector = (
  delivery: IncomingDelivery,
  endpoint: Endpoint,
  secrets: string[],
  now: number,
  userSchema: Inspection['schema'] | null,
  view?: BodyView | null,
) => Inspection;

/**
 * The body as its checks read it: a gzip/deflate/br body decoded (decodeForDisplay, bounded as
 * for display: `cut` when only its start was decoded). Signatures are always verified over the
 * raw bytes as received.
 */
export interface BodyView {
  bytes: Buffer;
  cut: boolean;
  /** What it decoded to more than, in words ("4 MB"), when cut. */
  limit?: string;
}

/**
 * The body's JSON for event type, delivery id and schema: parsed whole when it can be; of a body
 * too large to parse (over 5 MB, or decoded past the display cap), its top-level fields read
 * from both ends (`partial`), and why it is not checked as a whole.
 */
function bodyJson(
  raw: Buffer,
  view: BodyView | null | undefined,
): { json: unknown; tooLarge: string | null } {
  const bytes = view?.bytes ?? raw;
  const large = view?.cut
    ? `decodes to more than ${view.limit ?? 'the decoding cap'}`
    : bytes.length > MAX_JSON_BYTES
      ? `larger than ${MAX_JSON_BYTES / 1024 / 1024} MB`
      : null;
  if (large === null) return { json: parseJson(bytes), tooLarge: null };
  const fields = topLevelFields(bytes);
  return { json: fields ?? undefined, tooLarge: fields || bytes[0] === 0x5b ? large : null };
}

/** The request as signature schemes see it, with the URL the sender used. */
export function signatureInput(d: IncomingDelivery, h: HeaderBag): SignatureInput {
  const target = d.query ? `${d.path}?${d.query}` : d.path;
  return {
    method: d.method,
    path: d.path,
    query: d.query,
    headers: d.headers,
    body: d.body,
    url: d.publicUrl ?? `http://${h.get('host') ?? 'localhost'}${target}`,
  };
}

/** The checks every delivery goes through. */
export const inspect: Inspector = (d, endpoint, secrets, now, userSchema, view) => {
  const h = new HeaderBag(d.headers);
  const scheme = resolveScheme(endpoint.provider, h);
  const input = signatureInput(d, h);
  // Parsed for every JSON-looking body (decoded when it has a Content-Encoding): even without a
  // provider its type field names the event type in the list. A body too large to parse gives
  // its top-level fields only, and its schema is said not to be checked, and why.
  const { json, tooLarge } = bodyJson(d.body, view);
  let signature: Inspection['signature'];
  if (!scheme) {
    signature = {
      status: 'none',
      provider: null,
      reason:
        endpoint.provider === 'auto'
          ? 'No known provider signature in the headers and no provider set on this endpoint.'
          : `No signature scheme for ${endpoint.provider} yet.`,
    };
  } else {
    try {
      const v = scheme.verify(input, h, {
        secrets: secrets.map((s) => s.trim()).filter(Boolean),
        now,
        toleranceSec: endpoint.toleranceSec ?? scheme.defaultToleranceSec ?? 300,
        hmac: endpoint.hmac,
      });
      // On auto, a delivery that names its provider only by other headers is that provider's
      // with the signature missing (what a forgery looks like): say how it was recognised.
      const by =
        endpoint.provider === 'auto' && v.status === 'missing' ? recognisedBy(scheme, h) : null;
      signature = {
        ...v,
        provider: scheme.id,
        ...(by
          ? { reason: `Sent as ${scheme.name} (by its ${by}) but ${lowerFirst(v.reason)}` }
          : {}),
      };
    } catch (err) {
      // A verifier must never take a delivery down; report the bug as the reason.
      signature = {
        status: 'invalid',
        provider: scheme.id,
        reason: `Could not check the signature (${(err as Error).message}).`,
      };
    }
  }
  let key: IdempotencyKey | null;
  try {
    key = scheme?.idempotencyKey(input, h, json) ?? null;
  } catch {
    key = null;
  }
  key ??= genericKey(h, d.body, d.path);
  const job = scheme?.id === 'openai' ? openAiJob(json) : null;
  return {
    signature,
    idempotency: key ? { key: key.key, source: key.source } : { key: null, source: null },
    schema:
      userSchema ??
      (tooLarge !== null
        ? { status: 'none', issues: [issue('(root)', `not checked: the body is ${tooLarge}`)] }
        : checkSchema(scheme?.id ?? null, json)),
    eventType: eventType(h, json),
    jobId: job?.kind ? job.jobId : null,
  };
};

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** Headers that name the event type (catalogue rows' `eventType`), in the order trusted. */
const TYPE_HEADERS = providerRows.flatMap((p) => (p.eventType ? [p.eventType] : []));

/**
 * The provider's event type: a type header (+ a body field such as GitHub's `action`), else the
 * body's type field.
 */
function eventType(h: HeaderBag, json: unknown): string | null {
  const body = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
  for (const { header, bodySuffix } of TYPE_HEADERS) {
    const v = str(h.get(header));
    const suffix = bodySuffix ? str(body[bodySuffix]) : null;
    if (v) return capType(suffix ? `${v}.${suffix}` : v);
  }
  const t = str(body.type) ?? str(body.event_type) ?? str(body.event);
  return t === null ? null : capType(t);
}

/** The longest event type kept: the list's event-type filter takes as much (events-contract). */
export const MAX_EVENT_TYPE = 200;

/** At most MAX_EVENT_TYPE characters, never cutting a character in two (an emoji's halves). */
function capType(t: string): string {
  if (t.length <= MAX_EVENT_TYPE) return t;
  let out = '';
  for (const ch of t) {
    if (out.length + ch.length > MAX_EVENT_TYPE) break;
    out += ch;
  }
  return out;
}

/**
 * `Idempotency-Key` header, else a hash of a non-empty body. A body hash is weaker evidence
 * than a delivery id (two unrelated events can have the same body), so its key also names the
 * path: only the same body on the same path of the endpoint counts as a match.
 */
function genericKey(h: HeaderBag, body: Buffer, path: string): IdempotencyKey | null {
  const header = h.get('idempotency-key');
  if (header) return { key: header, source: 'Idempotency-Key header' };
  if (body.length === 0) return null;
  const hash = createHash('sha256').update(body).digest('hex');
  return { key: `sha256:${hash} on ${path}`, source: BODY_HASH_SOURCE };
}
