import { describe, expect, it } from 'vitest';
import {
  deadLetterLine,
  deliveryLine,
  forwardLine,
  LineLimiter,
  outsideLine,
} from '../../src/headless/listen-lines';
import type { EventSummary, ForwardAttempt } from '../../src/shared/model';
import { eventSummary } from '../helpers/model';

/** A stored delivery's summary as the listen lines get it. */
function summary(over: Partial<EventSummary> = {}): EventSummary {
  return eventSummary({
    receivedAt: '2026-11-27T12:00:00.000Z',
    endpointId: 'ep',
    eventType: 'charge.succeeded',
    ...over,
  });
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
    expect(retry).toContain('duplicate #2, the sender retried it');
    // A forged delivery with a real id is not "first delivery": it does not count.
    const forged = deliveryLine(
      summary({ idempotency: { duplicateOf: null, deliveryCount: 1, unverified: true } }),
    );
    expect(forged).toContain('not counted (did not verify)');
    expect(forged).not.toContain('first delivery');
  });

  it('--> shows the event type and the provider’s event id as stripe listen does, else Hookscope’s id', () => {
    const line = deliveryLine(
      summary({ idempotency: { duplicateOf: null, deliveryCount: 1, deliveryId: 'evt_1Qabc' } }),
    );
    expect(line).toBe(
      '12:00:00  --> charge.succeeded [evt_1Qabc]  POST /stripe  signature valid (stripe)  first delivery',
    );
    expect(deliveryLine(summary({ eventType: null }))).toBe(
      '12:00:00  --> [0190a1b2-0000-7000-8000-000000000001]  POST /stripe  signature valid (stripe)  first delivery',
    );
  });

  it('<-- says the attempt out of how many and when the next retry comes; dead letters get a line', () => {
    const a: ForwardAttempt = {
      id: 'a1',
      eventId: 'e1',
      kind: 'live',
      targetUrl: 'http://localhost:3000/webhooks',
      status: 503,
      error: null,
      durationMs: 12.4,
      at: '2026-11-27T12:00:01.000Z',
      attempt: 1,
      response: null,
    };
    expect(forwardLine(a, 'evt_1', { of: 5, retry: { attempt: 2, inMs: 3900 } })).toBe(
      '12:00:01  <-- [503] http://localhost:3000/webhooks [evt_1]  12 ms  attempt 1/5, retry 2/5 in 4 s',
    );
    expect(forwardLine({ ...a, status: 200 }, 'evt_1', { of: 5 })).toBe(
      '12:00:01  <-- [200] http://localhost:3000/webhooks [evt_1]  12 ms  attempt 1/5',
    );
    expect(deadLetterLine({ ...a, attempt: 5 }, 'evt_1')).toBe(
      "12:00:01  [dead letter] [evt_1] not forwarded (5 attempts, last answer 503): in the dead-letter list, redrive it from the UI's Dead letters panel or with POST /api/redriveDeadLetters",
    );
    expect(deadLetterLine({ ...a, status: 400 }, 'evt_1')).toContain('(400 is not retried)');
    expect(
      deadLetterLine({ ...a, status: null, error: 'ECONNREFUSED', attempt: 2 }, 'evt_1'),
    ).toContain('(2 attempts, last error: ECONNREFUSED)');
  });

  it('one line for a delivery outside --path, at most one per window, counting the ones held back', () => {
    const e = summary({ path: '/other/x', endpointId: 'default' });
    expect(outsideLine(e, '/stripe', '/', 0)).toBe(
      '12:00:00  --- [0190a1b2-0000-7000-8000-000000000001]  POST /other/x  stored, not forwarded: path /other/x is outside /stripe',
    );
    expect(outsideLine(e, '/', '/github', 3)).toContain(
      'stored, not forwarded here: path /other/x belongs to the endpoint at /github (and 3 more since the last such line)',
    );
    const limiter = new LineLimiter(10_000);
    expect(limiter.take(0)).toEqual({ print: true, held: 0 });
    for (let t = 1; t <= 500; t++) expect(limiter.take(t).print).toBe(false);
    expect(limiter.take(10_000)).toEqual({ print: true, held: 500 });
    expect(limiter.take(10_001)).toEqual({ print: false, held: 1 });
  });
});
