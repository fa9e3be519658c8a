/**
 * The shared model's entities as the engine hands them out, for tests: node and renderer tests
 * both use this file (tsconfig.web.json includes it), so it imports types only.
 */
import type { Endpoint, EventSummary } from '../../src/shared/model';

/**
 * An endpoint as the engine hands it out: no provider, no secret, no forward target, answering
 * 200. `over` sets the fields a test cares about.
 */
export function endpoint(over: Partial<Endpoint> = {}): Endpoint {
  return {
    id: 'ep_test',
    name: 'Test',
    path: '/hooks',
    provider: 'auto',
    secretCount: 0,
    toleranceSec: null,
    forwardTo: null,
    response: { status: 200 },
    hmac: null,
    invalidSignatureResponse: null,
    duplicateResponse: null,
    jsonSchema: null,
    forwardDuplicates: true,
    simulate: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    rev: 1,
    ...over,
  };
}

/**
 * A stored delivery's summary: a signed Stripe POST to /stripe on the default endpoint, answered
 * 200, not forwarded, no duplicate. `over` sets the fields a test cares about.
 */
export function eventSummary(over: Partial<EventSummary> = {}): EventSummary {
  return {
    id: '0190a1b2-0000-7000-8000-000000000001',
    seq: 1,
    rev: 1,
    receivedAt: '2026-01-01T00:00:00.000Z',
    endpointId: 'default',
    method: 'POST',
    path: '/stripe',
    size: 10,
    contentType: 'application/json',
    viaTunnel: false,
    imported: false,
    eventType: null,
    jobId: null,
    signature: { status: 'valid', provider: 'stripe' },
    idempotency: { duplicateOf: null, deliveryCount: 1 },
    schema: { status: 'none' },
    forward: { status: 'none' },
    response: { status: 200 },
    ...over,
  };
}
