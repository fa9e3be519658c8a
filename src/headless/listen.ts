import type { Engine } from '../core/engine';
import type { Output } from '../shared/contract';
import { dispatch } from '../shared/dispatch';
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
import type { Output as Lines } from './serve';

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

const endpoints = (engine: Engine): Endpoint[] =>
  (engine.handlers.listEndpoints({}) as Output<'listEndpoints'>).items;

/** Where the forward of `a` stands now: its next retry, or whether it was dead-lettered. */
function outcomeOf(engine: Engine, a: ForwardAttempt): { outcome: AttemptOutcome; dead: boolean } {
  const of = (engine.handlers.getSettings({}) as Output<'getSettings'>).forwarding.maxAttempts;
  const jobId = engine.forwards.attemptsFor(a.eventId).find((r) => r.id === a.id)?.jobId;
  const job = jobId === null || jobId === undefined ? undefined : engine.forwards.job(jobId);
  // The job is read right after the attempt was recorded: it has not moved on yet.
  if (!job || job.attempts !== a.attempt) return { outcome: { of }, dead: false };
  if (job.state === 'pending') {
    const retry = { attempt: a.attempt + 1, inMs: job.nextAt - Date.parse(a.at) };
    return { outcome: { of, retry }, dead: false };
  }
  return { outcome: { of }, dead: job.state === 'dead' };
}

/**
 * `hookscope listen`: points an endpoint at `--path` (creating or updating it) with the given
 * provider, secrets and forward target, then prints, like `stripe listen`, a `-->` line per
 * delivery (with the provider's event id), a `<--` line per forward attempt (with the next
 * retry), a line when a forward is dead-lettered, and (rate-limited) one for deliveries to
 * paths outside `--path`, which are stored but not forwarded.
 */
export async function startListening(
  engine: Engine,
  opts: ListenOptions,
  out: Lines,
  receiverUrl: string,
): Promise<Endpoint> {
  const existing = endpoints(engine).find((e) => e.path === (opts.path.replace(/\/+$/, '') || '/'));
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
  const refs = new Map<string, string>();
  const outside = new LineLimiter(OUTSIDE_EVERY_MS);
  // Straight from the commit, not from the UI's 50 ms batches: those keep only an event's
  // latest version (its forward status may already have changed), and this keeps the order.
  engine.events.onChange((items) => {
    for (const e of items) {
      if (e.rev !== e.seq) continue; // new deliveries only (an update has a rev above its seq)
      if (e.endpointId === endpoint.id) {
        refs.set(e.id, deliveryRef(e));
        if (refs.size > REMEMBERED) refs.delete(refs.keys().next().value!);
        out.info('delivery', { ...e }, deliveryLine(e));
      } else {
        const { print, held } = outside.take(Date.now());
        if (!print) continue;
        const owner = endpoints(engine).find((x) => x.id === e.endpointId)?.path ?? '/';
        out.info(
          'outside',
          { id: e.id, path: e.path, endpointId: e.endpointId, listening: endpoint.path, held },
          outsideLine(e, endpoint.path, owner, held),
        );
      }
    }
  });
  engine.subscribe((name, payload) => {
    if (name !== 'forward.attempt') return;
    const a = payload as ForwardAttempt;
    const ref = refs.get(a.eventId) ?? a.eventId;
    const { outcome, dead } =
      a.kind === 'replay' ? { outcome: undefined, dead: false } : outcomeOf(engine, a);
    const { response: _response, ...fields } = a;
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
