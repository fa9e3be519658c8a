import { randomUUID } from 'node:crypto';
import type { ParsedInput } from '../../shared/contract';
import { HookscopeError } from '../../shared/errors';
import { send } from '../forward/send';
import { schemeById } from '../signatures/registry';
import type { EndpointRepo } from '../store/ports';
import type { Clock } from '../types';
import { SAMPLES } from './catalogue';

/**
 * Sends a fresh sample delivery to an endpoint (locally, or through the public URL when the
 * tunnel is online), signed with the endpoint's first secret by the sample provider's own
 * scheme; unsigned when the endpoint has no secret. Throws `not_found` / `bad_input`.
 */
export async function sendSample(
  deps: {
    endpoints: EndpointRepo;
    receiverUrl: () => string;
    publicUrl: () => string | undefined;
    clock: Clock;
  },
  input: ParsedInput<'sendSample'>,
): Promise<{ status: number | null; error: string | null; url: string; signed: boolean }> {
  const sample = SAMPLES.find((s) => s.id === input.sample);
  if (!sample) throw new HookscopeError('not_found', `no sample "${input.sample}"`);
  const endpoint = deps.endpoints.get(input.endpointId ?? 'default');
  if (!endpoint) throw new HookscopeError('not_found', `no endpoint "${input.endpointId}"`);
  const base = input.via === 'public' ? deps.publicUrl() : deps.receiverUrl();
  if (!base)
    throw new HookscopeError('bad_input', 'the tunnel is not online: start it or send locally');
  const url = `${base.replace(/\/$/, '')}${endpoint.path === '/' ? '/' : endpoint.path}`;
  const now = deps.clock();
  const body = Buffer.from(sample.body(now));
  // Empty delivery-id headers get a fresh id per send.
  let headers = sample.headers.map(([n, v]): [string, string] => [n, v || randomUUID()]);
  const secret = deps.endpoints.secretsOf(endpoint.id)[0]?.trim();
  const scheme = schemeById(sample.provider);
  if (secret && scheme) {
    const target = new URL(url);
    headers = scheme.sign(
      { method: 'POST', path: target.pathname, query: '', headers, body, url },
      secret,
      now,
      endpoint.hmac,
    );
  }
  const res = await send(
    { method: 'POST', url, headers, body },
    { timeoutMs: 10_000, maxResponseBytes: 4096 },
  );
  return { status: res.status, error: res.error, url, signed: Boolean(secret && scheme) };
}
