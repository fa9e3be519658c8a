import type { EventSummary } from '../../src/shared/model';

/** A summary with defaults; `seq` doubles as rev unless given. */
export function summary(seq: number, over: Partial<EventSummary> = {}): EventSummary {
  // Built loosely and cast, so fields the engine adds later (with defaults here) do not break it.
  const base = {
    imported: false,
    id: `e${seq}`,
    seq,
    rev: seq,
    receivedAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    endpointId: 'default',
    method: 'POST',
    path: `/p/${seq}`,
    size: 10,
    contentType: 'application/json',
    viaTunnel: false,
    eventType: null,
    jobId: null,
    signature: { status: 'none', provider: null },
    idempotency: { duplicateOf: null, deliveryCount: 1 },
    schema: { status: 'none' },
    forward: { status: 'none' },
    response: { status: 200 },
  };
  return { ...base, ...over } as EventSummary;
}

/** Summaries for seqs from `top` down to `bottom` (newest first). */
export function range(top: number, bottom: number): EventSummary[] {
  const out: EventSummary[] = [];
  for (let s = top; s >= bottom; s--) out.push(summary(s));
  return out;
}
