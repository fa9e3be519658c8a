import type { Engine } from '../core/engine';
import { dispatch } from '../shared/dispatch';
import type { Endpoint, EventSummary, ForwardAttempt, SignatureStatus } from '../shared/model';
import type { Output as Lines } from './serve';
import type { Output } from '../shared/contract';

export interface ListenOptions {
  forwardTo: string | undefined;
  path: string;
  provider: string | undefined;
  secrets: string[];
}

const time = (iso: string): string => iso.slice(11, 19);

/** Verdicts in words where the status name alone would mislead. */
const VERDICT_WORDS: Partial<Record<SignatureStatus, string>> = {
  stale: 'too old',
  future: 'from the future (clock skew)',
};

/** One delivery as `hookscope listen` prints it (like `stripe listen`'s `-->` line). */
export function deliveryLine(e: EventSummary): string {
  const status = VERDICT_WORDS[e.signature.status] ?? e.signature.status;
  const sig = e.signature.provider ? `${status} (${e.signature.provider})` : status;
  const { duplicateOf, deliveryCount, byBodyHash } = e.idempotency;
  const dup = !duplicateOf
    ? 'first delivery'
    : byBodyHash
      ? `same body as ${duplicateOf}`
      : `duplicate #${deliveryCount} of ${duplicateOf}, the sender retried it`;
  const type = e.eventType ? `${e.eventType}  ` : '';
  return `${time(e.receivedAt)}  --> ${e.method} ${e.path}  ${type}signature ${sig}  ${dup}  [${e.id}]`;
}

/** One forward attempt (the `<--` line). */
export function forwardLine(a: ForwardAttempt): string {
  const what = a.status !== null ? `[${a.status}]` : `[failed: ${a.error ?? 'no answer'}]`;
  const kind = a.kind === 'live' ? '' : ` (${a.kind})`;
  return `${time(a.at)}  <-- ${what} ${a.targetUrl}  ${Math.round(a.durationMs)} ms  attempt ${a.attempt}${kind}  [${a.eventId}]`;
}

/**
 * `hookscope listen`: points an endpoint at `--path` (creating or updating it) with the given
 * provider, secrets and forward target, then prints a line per delivery and per forward.
 * Throws the contract's errors for bad input (e.g. a forward target that is not a URL).
 */
export async function startListening(
  engine: Engine,
  opts: ListenOptions,
  out: Lines,
  receiverUrl: string,
): Promise<Endpoint> {
  const existing = (engine.handlers.listEndpoints({}) as { items: Endpoint[] }).items.find(
    (e) => e.path === (opts.path.replace(/\/+$/, '') || '/'),
  );
  const { warnings, ...endpoint } = (await dispatch(engine.handlers, 'saveEndpoint', {
    ...(existing ? { id: existing.id } : {}),
    name: existing?.name ?? `listen ${opts.path}`,
    path: opts.path,
    ...(opts.provider ? { provider: opts.provider } : {}),
    ...(opts.secrets.length > 0 ? { secrets: opts.secrets } : {}),
    ...(opts.forwardTo !== undefined ? { forwardTo: opts.forwardTo } : {}),
  })) as Output<'saveEndpoint'>;
  const url = `${receiverUrl}${endpoint.path === '/' ? '' : endpoint.path}`;
  out.info(
    'listening',
    { endpointId: endpoint.id, url, forwardTo: endpoint.forwardTo, provider: endpoint.provider },
    endpoint.forwardTo
      ? `Ready! Deliveries to ${url} are forwarded to ${endpoint.forwardTo}`
      : `Ready! Listening on ${url} (no --forward-to: deliveries are logged only)`,
  );
  for (const message of warnings) out.info('warning', { message }, `Warning: ${message}`);
  // Straight from the commit, not from the UI's 50 ms batches: those keep only an event's
  // latest version (its forward status may already have changed), and this keeps the order.
  engine.events.onChange((items) => {
    for (const e of items) {
      // New deliveries only (an update has a rev above its seq).
      if (e.rev === e.seq && e.endpointId === endpoint.id) {
        out.info('delivery', { ...e }, deliveryLine(e));
      }
    }
  });
  engine.subscribe((name, payload) => {
    if (name !== 'forward.attempt') return;
    const a = payload as ForwardAttempt;
    const { response: _response, ...fields } = a;
    out.info('forward', fields, forwardLine(a));
  });
  return endpoint;
}
