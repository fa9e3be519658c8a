import type { Endpoint } from '../shared/model';
import type { IncomingDelivery, Inspection } from './types';

/**
 * Runs the per-delivery checks (signature, idempotency key, schema) before the delivery is
 * stored and answered. Pure: no I/O, `now` comes from the caller's clock.
 */
export type Inspector = (
  delivery: IncomingDelivery,
  endpoint: Endpoint,
  secrets: string[],
  now: number,
) => Inspection;

/** The inspector until provider modules exist: nothing recognised, nothing checked. */
export const noInspection: Inspector = () => ({
  signature: {
    status: 'none',
    provider: null,
    reason: 'no provider recognised and none configured for this endpoint',
  },
  idempotency: { key: null, source: null },
  schema: { status: 'none' },
});
