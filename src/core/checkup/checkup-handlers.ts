import type { ParsedInput, Push } from '../../shared/contract';
import type { FeatureHandlers } from '../../shared/dispatch';
import type { checkupCommands } from '../../shared/checkup';
import { HookscopeError } from '../../shared/errors';
import type { Endpoint } from '../../shared/model';
import { forwardRequest } from '../forward/prepare';
import { send as httpSend } from '../forward/send';
import { schemeById } from '../signatures/registry';
import type { CheckupRepo } from '../store/ports';
import type { EndpointRepo } from '../store/ports';
import type { EventLog } from '../store/ports';
import type { Clock } from '../types';
import { runBattery, type BatteryDeps, type BatteryOptions } from './battery';
import { choosePayload, storedPayload, type Payload } from './payload';

export interface CheckupDeps {
  endpoints: EndpointRepo;
  events: EventLog;
  store: CheckupRepo;
  clock: Clock;
  /** Defaults to the real HTTP client. */
  send?: BatteryDeps['send'];
  /** Told after a run was stored or deleted (for the `checkups.changed` push). */
  changed?: (c: Push<'checkups.changed'>) => void;
}

/** The check-up commands: run (and store) a battery, and the per-endpoint history. */
export function createCheckupHandlers(deps: CheckupDeps): FeatureHandlers<typeof checkupCommands> {
  return {
    runCheckup: async (input) => {
      const run = await runBattery(await resolve(deps, input), {
        send: deps.send ?? httpSend,
        clock: deps.clock,
      });
      await deps.store.save(run);
      const { probes: _probes, ...summary } = run;
      deps.changed?.({ id: run.id, endpointId: run.endpointId, run: summary });
      return run;
    },
    listCheckups: async ({ endpointId, limit = 50 }) => ({
      items: await deps.store.list(limit, endpointId),
    }),
    getCheckup: async ({ id }) => {
      const run = await deps.store.get(id);
      if (!run) throw new HookscopeError('not_found', `no check-up "${id}"`);
      return run;
    },
    deleteCheckup: async ({ id }) => {
      const run = await deps.store.get(id);
      const deleted = await deps.store.delete(id);
      if (deleted) deps.changed?.({ id, endpointId: run?.endpointId ?? null, run: null });
      return { deleted };
    },
  };
}

const missing = (field: string, message: string): HookscopeError =>
  new HookscopeError('bad_input', message, [{ path: [field], message }]);

/**
 * Fills the run's options from the input, else from the endpoint (forward target, provider,
 * first secret). Throws `not_found` for an unknown endpoint or event, `bad_input` saying what
 * to give when something is missing.
 */
async function resolve(
  deps: CheckupDeps,
  input: ParsedInput<'runCheckup'>,
): Promise<BatteryOptions> {
  let endpoint: Endpoint | null = null;
  if (input.endpointId !== undefined) {
    endpoint = deps.endpoints.get(input.endpointId) ?? null;
    if (!endpoint) throw new HookscopeError('not_found', `no endpoint "${input.endpointId}"`);
  }
  const named = endpoint ? `endpoint "${endpoint.name}"` : null;
  const target = input.target ?? endpoint?.forwardTo ?? null;
  if (!target) {
    throw missing(
      'target',
      named
        ? `${named} has no forward target: give target (the URL of your webhook handler)`
        : 'give target (the URL of your webhook handler) or an endpointId with a forward target',
    );
  }
  const provider = input.provider ?? endpoint?.provider;
  if (provider === undefined) throw missing('provider', 'give provider (e.g. stripe, github)');
  if (provider === 'auto') {
    throw missing(
      'provider',
      `${named} detects its provider from each delivery ('auto'), but the check-up signs as one provider: give provider`,
    );
  }
  const endpointSecrets = endpoint ? deps.endpoints.secretsOf(endpoint.id) : [];
  const secret = input.secret ?? endpointSecrets[0]?.trim();
  if (!secret) {
    throw missing(
      'secret',
      named ? `${named} has no signing secret: give secret` : 'give secret (the signing secret)',
    );
  }
  return {
    target,
    provider,
    secret,
    otherSecrets: endpointSecrets,
    hmac: endpoint?.hmac ?? null,
    toleranceSec: endpoint?.toleranceSec ?? null,
    payload: input.eventId
      ? await eventPayload(deps.events, input.eventId, provider, target)
      : choosePayload(provider, input.sample),
    endpointId: endpoint?.id ?? null,
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    ...(input.burst ? { burst: input.burst } : {}),
    ...(input.latencySamples !== undefined ? { latencySamples: input.latencySamples } : {}),
  };
}

/** A stored delivery as the payload: its headers (minus connection ones) and exact body. */
async function eventPayload(
  events: EventLog,
  id: string,
  provider: NonNullable<BatteryOptions['provider']>,
  target: string,
): Promise<Payload> {
  const src = await events.source(id);
  if (!src) throw new HookscopeError('not_found', `no event "${id}"`);
  const scheme = schemeById(provider);
  if (!scheme) throw new HookscopeError('bad_input', `no signature scheme for "${provider}"`);
  // Connection headers go; Host, Content-Length and the forwarding headers are the sender's
  // business.
  const headers = forwardRequest(src, target, null).headers.filter(([n]) => {
    const lower = n.toLowerCase();
    return (
      lower !== 'host' &&
      lower !== 'content-length' &&
      lower !== 'forwarded' &&
      lower !== 'x-real-ip' &&
      !lower.startsWith('x-forwarded-')
    );
  });
  return storedPayload(`event:${id}`, { headers, body: src.body }, scheme, target);
}
