import { randomBytes, randomUUID } from 'node:crypto';
import { HookscopeError } from '../../shared/errors';
import type { ProviderId } from '../../shared/model';
import { providerRow } from '../../shared/providers';
import { SAMPLES, type Sample } from '../samples/catalogue';
import { HeaderBag } from '../signatures/headers';
import type { SignatureScheme } from '../signatures/types';

/** An unsigned delivery: headers the provider sends besides its signature, and the body. */
export interface Draft {
  headers: [string, string][];
  body: Buffer;
}

/**
 * Where the check-up's deliveries come from. `first` is the delivery of the valid probe;
 * every `next` is a DISTINCT one (fresh delivery id, and a fresh id where the provider keeps
 * it in the body), so a receiver that dedupes answers it as new.
 */
export interface Payload {
  /** A catalogue sample id, `generic`, or `event:<id>`. */
  label: string;
  first(now: number): Draft;
  next(now: number): Draft;
}

/** A catalogue sample: built afresh for every delivery (new ids, current timestamps). */
export function samplePayload(sample: Sample): Payload {
  const make = (now: number): Draft => ({
    // Empty values in the catalogue mean "a fresh id per send".
    headers: sample.headers.map(([n, v]): [string, string] => [n, v || randomUUID()]),
    body: Buffer.from(sample.body(now)),
  });
  return { label: sample.id, first: make, next: make };
}

/**
 * A provider's delivery-id header where a generic delivery needs one to carry a delivery id:
 * the first of its catalogue row's `deliveryId` headers. Schemes that mint their own when they
 * sign (the Standard Webhooks family's `webhook-id` / `svix-id`, form `msg`) are left out.
 */
function idHeaderOf(provider: ProviderId): string | undefined {
  const id = providerRow(provider).deliveryId;
  return id?.form === 'uuid' ? id.headers[0] : undefined;
}

/**
 * A small JSON event for providers without a catalogue sample: a fresh `id`/`event_id` (the
 * body ids most providers dedupe on), Linear's signed `webhookTimestamp`, and the provider's
 * delivery-id header when it uses one.
 */
export function genericPayload(provider: ProviderId): Payload {
  const make = (now: number): Draft => {
    const id = `evt_${randomBytes(12).toString('hex')}`;
    const event: Record<string, unknown> = {
      id,
      event_id: id,
      type: 'hookscope.checkup',
      created_at: Math.floor(now / 1000),
      data: { object: { id: `obj_${randomBytes(6).toString('hex')}`, status: 'ok' } },
    };
    if (provider === 'linear') event.webhookTimestamp = now;
    const headers: [string, string][] = [['Content-Type', 'application/json']];
    const idHeader = idHeaderOf(provider);
    if (idHeader) headers.push([idHeader, randomUUID()]);
    return { headers, body: Buffer.from(JSON.stringify(event)) };
  };
  return { label: 'generic', first: make, next: make };
}

/**
 * A stored delivery: the first send is its exact bytes; later ones get a fresh value for the
 * id the provider's scheme dedupes on (`idempotencyKey`: a header, or a top-level body field),
 * other bytes untouched.
 */
export function storedPayload(
  label: string,
  stored: Draft,
  scheme: SignatureScheme,
  url: string,
): Payload {
  return {
    label,
    first: () => stored,
    next: () => freshen(stored, scheme, url),
  };
}

function freshen(draft: Draft, scheme: SignatureScheme, url: string): Draft {
  const target = new URL(url);
  let json: unknown;
  try {
    json = JSON.parse(draft.body.toString('utf8'));
  } catch {
    json = undefined;
  }
  const key = scheme.idempotencyKey(
    {
      method: 'POST',
      path: target.pathname,
      query: target.search.slice(1),
      headers: draft.headers,
      body: draft.body,
      url,
    },
    new HeaderBag(draft.headers),
    json,
  );
  if (!key) return draft;
  const header = /^(.+) header$/.exec(key.source)?.[1]?.toLowerCase();
  if (header) {
    return {
      ...draft,
      headers: draft.headers.map(([n, v]): [string, string] =>
        n.toLowerCase() === header ? [n, freshLike(v)] : [n, v],
      ),
    };
  }
  const field = /^body\.([A-Za-z_]\w*)$/.exec(key.source)?.[1];
  if (field) {
    // Replace the value's bytes only, so the rest of the body stays exactly as stored.
    const text = draft.body.toString('utf8');
    const old = JSON.stringify(key.key);
    const at = text.indexOf(`${JSON.stringify(field)}`);
    const pos = at === -1 ? -1 : text.indexOf(old, at);
    if (pos !== -1) {
      const fresh = JSON.stringify(freshLike(key.key));
      return {
        ...draft,
        body: Buffer.from(text.slice(0, pos) + fresh + text.slice(pos + old.length)),
      };
    }
  }
  return draft;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A new random id shaped like `value`: a UUID for a UUID, else the same prefix (`evt_`). */
export function freshLike(value: string): string {
  if (UUID.test(value)) return randomUUID();
  const prefix = /^[A-Za-z]+[_-]/.exec(value)?.[0] ?? '';
  const length = Math.max(16, value.length - prefix.length);
  return (
    prefix +
    randomBytes(Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length)
  );
}

/**
 * Picks the payload: a stored delivery, a catalogue sample (which must be the provider's),
 * else the provider's first sample, else a generic event. Throws `bad_input` for an unknown
 * sample or one of another provider.
 */
export function choosePayload(provider: ProviderId, sampleId: string | undefined): Payload {
  if (sampleId !== undefined && sampleId !== 'generic') {
    const sample = SAMPLES.find((s) => s.id === sampleId);
    if (!sample) {
      const ids = SAMPLES.filter((s) => s.provider === provider).map((s) => s.id);
      throw new HookscopeError(
        'bad_input',
        `no sample "${sampleId}"${ids.length > 0 ? ` (for ${provider}: ${ids.join(', ')})` : ''}`,
      );
    }
    if (sample.provider !== provider) {
      throw new HookscopeError(
        'bad_input',
        `sample "${sampleId}" is a ${sample.provider} delivery, but the check-up signs as ${provider}`,
      );
    }
    return samplePayload(sample);
  }
  const own = sampleId === undefined ? SAMPLES.find((s) => s.provider === provider) : undefined;
  return own ? samplePayload(own) : genericPayload(provider);
}
