import { randomUUID } from 'node:crypto';
import type { ParsedInput } from '../../shared/contract';
import { HookscopeError } from '../../shared/errors';
import { forwardUrl } from '../../shared/forward-url';
import { providerRows } from '../../shared/providers';
import type { AttemptRecord, EndpointRepo, EventLog, ForwardQueue } from '../store/ports';
import type { Clock } from '../types';
import { MAX_RESPONSE_BYTES } from './forwarder';
import { forwardRequest } from './prepare';
import { Redactor } from './redact';
import { resignerFor, resignRequest } from './resign';
import { notSent, send, type SendResult } from './send';
import { VERIFIED_SIGNATURES } from '../signatures/common';
import { currentPerson } from '../actor';

const msgId = (): string => `msg_${randomUUID().replace(/-/g, '')}`;

/**
 * Headers that carry a delivery id (the catalogue rows' `deliveryId` headers, and the generic
 * Idempotency-Key), each with a fresh id in its provider's form; replaced when a new id is asked
 * for.
 */
const DELIVERY_ID_HEADERS: Record<string, () => string> = Object.fromEntries([
  ['idempotency-key', randomUUID],
  ...providerRows.flatMap((p) =>
    (p.deliveryId?.headers ?? []).map((n) => [
      n.toLowerCase(),
      p.deliveryId?.form === 'msg' ? msgId : randomUUID,
    ]),
  ),
]);

export interface ReplayDeps {
  events: EventLog;
  endpoints: EndpointRepo;
  forwards: ForwardQueue;
  clock: Clock;
  timeoutMs: () => number;
}

/**
 * Sends a stored event again, now: to `targetUrl` or the endpoint's forward target, each taken
 * as a base under which the (edited) path's part after the endpoint's prefix goes, as forwards
 * do (`forwardUrl`); with the edits applied, re-signed with the endpoint's first secret and a
 * fresh timestamp when asked (so the app's verifier accepts an old event). Recorded as a
 * `replay` attempt of the event; a received path that would leave the target's path is
 * recorded as a refused attempt, nothing sent. Throws `not_found` for an unknown event and
 * `bad_input` when there is no target, the edited path is refused, or it cannot be re-signed.
 */

export async function replayEvent(
  deps: ReplayDeps,
  input: ParsedInput<'replayEvent'>,
): Promise<AttemptRecord> {
  const src = await deps.events.source(input.id);
  if (!src) throw new HookscopeError('not_found', `no event "${input.id}"`);
  const endpoint = deps.endpoints.get(src.endpointId) ?? deps.endpoints.match(src.path);
  const edits = input.edits ?? {};
  const edited = {
    ...src,
    method: edits.method ?? src.method,
    path: edits.path ?? src.path,
    headers: edits.headers ?? src.headers,
    body: edits.body !== undefined ? Buffer.from(edits.body) : src.body,
  };
  const base = input.targetUrl ?? endpoint.forwardTo;
  if (!base) {
    throw new HookscopeError(
      'bad_input',
      `nowhere to send it: give targetUrl or set a forward target on endpoint "${endpoint.name}"`,
      [{ path: ['targetUrl'], message: 'required when the endpoint has no forward target' }],
    );
  }
  const plan = forwardUrl({
    target: base,
    endpointPath: endpoint.path,
    path: edited.path,
    query: src.query,
    pathLabel: edits.path !== undefined ? 'edited path' : 'received path',
    targetLabel: input.targetUrl !== undefined ? 'replay target' : 'forward target',
  });
  if (!plan.ok && edits.path !== undefined) {
    throw new HookscopeError('bad_input', plan.refused, [
      { path: ['edits', 'path'], message: plan.refused },
    ]);
  }
  // The replay's number: one more than the replays before it.
  const number =
    (await deps.forwards.attemptsFor(input.id)).filter((a) => a.kind === 'replay').length + 1;
  const person = currentPerson(); // a replay a person asked for names them
  const attempt = (targetUrl: string, res: SendResult): AttemptRecord => ({
    id: randomUUID(),
    eventId: input.id,
    jobId: null,
    kind: 'replay',
    targetUrl,
    attempt: number,
    status: res.status,
    error: res.error,
    durationMs: res.durationMs,
    at: deps.clock(),
    responseHeaders: res.headers,
    responseBody: res.body,
    responseTruncated: res.truncated,
    ...(person !== null ? { by: person } : {}),
  });
  if (!plan.ok) {
    const refused = attempt(base, notSent(plan.refused));
    await deps.forwards.recordAttempt(refused);
    return refused;
  }
  const target = plan.url;
  let headers = edited.headers;
  if (input.newDeliveryId) {
    headers = headers.map(([n, v]): [string, string] => {
      const mint = DELIVERY_ID_HEADERS[n.toLowerCase()];
      return mint ? [n, mint()] : [n, v];
    });
  }
  if (input.resign) {
    // Signed only with the secret of the endpoint it arrived on, and, unless the body is the
    // user's own edit, only what verified: re-signing a forged body would vouch for it.
    if (endpoint.id !== src.endpointId) {
      throw new HookscopeError(
        'bad_input',
        "cannot re-sign: the endpoint it arrived on was deleted (another endpoint's secret is never used)",
      );
    }
    const verdict = (await deps.events.envelope(input.id))?.signatureStatus;
    if (edits.body === undefined && !VERIFIED_SIGNATURES.has(verdict ?? '')) {
      throw new HookscopeError(
        'bad_input',
        `cannot re-sign: its signature did not verify when it arrived (${verdict}); re-signing would vouch for a body its sender did not sign. Send it as received, or edit the body (then it is yours) and re-sign`,
      );
    }
    const r = resignerFor(deps.endpoints, endpoint, headers, deps.clock());
    if (!r.ok) throw new HookscopeError('bad_input', `cannot re-sign: ${r.why}`);
    const signed = resignRequest(
      r,
      { ...edited, headers },
      target,
      deps.clock(),
      edits.body !== undefined,
    );
    headers = signed.headers;
    edited.body = signed.body;
  }
  const res = await send(forwardRequest({ ...edited, headers }, target, src.host), {
    timeoutMs: deps.timeoutMs(),
    maxResponseBytes: MAX_RESPONSE_BYTES,
  });
  const redact = new Redactor(deps.endpoints.secretsOf(endpoint.id));
  const sent = attempt(target, redact.result(res));
  await deps.forwards.recordAttempt(sent);
  return sent;
}
