import type { Input } from '../shared/contract';
import type { Client } from '../shared/dispatch';
import type { Endpoint, ForwardAttempt } from '../shared/model';
import {
  deadLetterLine,
  deliveryLine,
  deliveryRef,
  forwardLine,
  LineLimiter,
  outsideLine,
  type AttemptOutcome,
} from './listen-lines';
import type { Output as Lines } from './output';

export interface ListenOptions {
  forwardTo: string | undefined;
  path: string;
  provider: string | undefined;
  secrets: string[];
}

/** At most one "outside --path" line this often. */
const OUTSIDE_EVERY_MS = 10_000;
/** Deliveries whose reference (provider id) the `<--` lines remember. */
const REMEMBERED = 1000;

/**
 * `hookscope listen`: points an endpoint at `--path` (creating or updating it) with the given
 * provider, secrets and forward target, then prints, like `stripe listen`, a `-->` line per
 * delivery (with the provider's event id), a `<--` line per forward attempt (with the next
 * retry), a line when a forward is dead-lettered, and (rate-limited) one for deliveries to
 * paths outside `--path`, which are stored but not forwarded.
 */
export async function startListening(
  client: Client,
  opts: ListenOptions,
  out: Lines,
  receiverUrl: string,
): Promise<Endpoint> {
  // Every endpoint's path, kept live, for the "outside --path" lines.
  const paths = new Map<string, string>();
  client.on('endpoints.changed', ({ id, endpoint }) => {
    if (endpoint) paths.set(id, endpoint.path);
    else paths.delete(id);
  });
  const all = (await client.listEndpoints()).items;
  for (const e of all) paths.set(e.id, e.path);
  const existing = all.find((e) => e.path === (opts.path.replace(/\/+$/, '') || '/'));
  // The options as typed; the contract's parse checks them (a provider it does not know, a
  // target that is not a URL) and says what is wrong.
  const { warnings, ...endpoint } = await client.saveEndpoint({
    ...(existing ? { id: existing.id } : {}),
    name: existing?.name ?? `listen ${opts.path}`,
    path: opts.path,
    ...(opts.provider ? { provider: opts.provider } : {}),
    ...(opts.secrets.length > 0 ? { secrets: opts.secrets } : {}),
    ...(opts.forwardTo !== undefined ? { forwardTo: opts.forwardTo } : {}),
  } as Input<'saveEndpoint'>);
  const url = `${receiverUrl}${endpoint.path === '/' ? '' : endpoint.path}`;
  out.info(
    'listening',
    { endpointId: endpoint.id, url, forwardTo: endpoint.forwardTo, provider: endpoint.provider },
    endpoint.forwardTo
      ? `Ready! Deliveries to ${url} are forwarded to ${endpoint.forwardTo}`
      : `Ready! Listening on ${url} (no --forward-to: deliveries are logged only)`,
  );
  for (const message of warnings) out.info('warning', { message }, `Warning: ${message}`);
  const refs = new Map<string, string>();
  const outside = new LineLimiter(OUTSIDE_EVERY_MS);
  // A delivery is new when its seq is above every one seen: a batch carries each event's
  // latest version (its forward may already have moved on), so `rev` cannot tell.
  let lastSeq = (await client.listEvents({ limit: 1 })).items[0]?.seq ?? 0;
  client.on('events.batch', ({ items }) => {
    const fresh = items.filter((e) => e.seq > lastSeq).sort((a, b) => a.seq - b.seq);
    for (const e of fresh) {
      lastSeq = e.seq;
      if (e.endpointId === endpoint.id) {
        refs.set(e.id, deliveryRef(e));
        if (refs.size > REMEMBERED) refs.delete(refs.keys().next().value!);
        out.info('delivery', { ...e }, deliveryLine(e));
      } else {
        const { print, held } = outside.take(Date.now());
        if (!print) continue;
        const owner = paths.get(e.endpointId) ?? '/';
        out.info(
          'outside',
          { id: e.id, path: e.path, endpointId: e.endpointId, listening: endpoint.path, held },
          outsideLine(e, endpoint.path, owner, held),
        );
      }
    }
  });
  // The bus sends the deliveries it holds before an attempt: a `-->` line precedes its `<--`.
  client.on('forward.attempt', (a) => {
    const ref = refs.get(a.eventId) ?? a.eventId;
    const { outcome, dead } = outcomeOf(a);
    const { response: _response, queue: _queue, ...fields } = a;
    const next = outcome?.retry
      ? {
          nextAttempt: outcome.retry.attempt,
          nextAt: new Date(Date.parse(a.at) + outcome.retry.inMs).toISOString(),
        }
      : {};
    out.info(
      'forward',
      { ...fields, ref, ...(outcome ? { maxAttempts: outcome.of } : {}), ...next },
      forwardLine(a, ref, outcome),
    );
    if (dead) {
      out.info(
        'dead-letter',
        { eventId: a.eventId, ref, attempts: a.attempt, status: a.status, error: a.error },
        deadLetterLine(a, ref),
      );
    }
  });
  return { ...endpoint };
}

/** Where the forward of `a` stands now, from the push: its next retry, or that it gave up. */
export function outcomeOf(a: ForwardAttempt): {
  outcome: AttemptOutcome | undefined;
  dead: boolean;
} {
  const q = a.queue;
  if (!q) return { outcome: undefined, dead: false };
  const retry = q.next
    ? { attempt: q.next.attempt, inMs: Date.parse(q.next.at) - Date.parse(a.at) }
    : undefined;
  return { outcome: { of: q.maxAttempts, ...(retry ? { retry } : {}) }, dead: q.deadLettered };
}
