import type { Endpoint } from '../../src/shared/model';

/**
 * An endpoint as the engine hands it out: no provider, no secret, no forward target, answering
 * 200. `over` sets the fields a test cares about. Shared by the node and the renderer tests
 * (tsconfig.web.json includes this file), so it imports types only.
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
