import { describe, expect, it } from 'vitest';
import { deliveryLine } from '../../src/headless/listen';
import type { EventSummary } from '../../src/shared/model';

/** A stored delivery's summary as the listen lines get it. */
function summary(over: Partial<EventSummary> = {}): EventSummary {
  return {
    id: '0190a1b2-0000-7000-8000-000000000001',
    seq: 1,
    rev: 1,
    receivedAt: '2026-11-27T12:00:00.000Z',
    endpointId: 'ep',
    method: 'POST',
    path: '/stripe',
    size: 10,
    contentType: 'application/json',
    viaTunnel: false,
    imported: false,
    eventType: 'charge.succeeded',
    jobId: null,
    signature: { status: 'valid', provider: 'stripe' },
    idempotency: { duplicateOf: null, deliveryCount: 1 },
    schema: { status: 'none' },
    forward: { status: 'none' },
    response: { status: 200 },
    ...over,
  };
}

describe('hookscope listen lines', () => {
  it('names a future timestamp "from the future (clock skew)" and an old one "too old"', () => {
    const future = deliveryLine(summary({ signature: { status: 'future', provider: 'stripe' } }));
    expect(future).toContain('signature from the future (clock skew) (stripe)');
    const old = deliveryLine(summary({ signature: { status: 'stale', provider: 'stripe' } }));
    expect(old).toContain('signature too old (stripe)');
  });

  it('says "same body as <first>" for a body-hash match and "the sender retried it" only for a delivery id', () => {
    const first = '0190a1b2-0000-7000-8000-00000000000f';
    const body = deliveryLine(
      summary({ idempotency: { duplicateOf: first, deliveryCount: 3, byBodyHash: true } }),
    );
    expect(body).toContain(`same body as ${first}`);
    expect(body).not.toMatch(/duplicate|retried/);
    const retry = deliveryLine(summary({ idempotency: { duplicateOf: first, deliveryCount: 2 } }));
    expect(retry).toContain(`duplicate #2 of ${first}, the sender retried it`);
  });
});
