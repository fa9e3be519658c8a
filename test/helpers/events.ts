import type { NewEvent } from '../../src/core/types';
import type { TestEvent } from './append';

let n = 0;
/**
 * A delivery as the receiver stores it: a JSON POST to /hooks on the default endpoint, not
 * signed, no idempotency key, no schema, each with its own id and time. `over` sets the fields a
 * test cares about, and may add how it was answered and forwarded (see `appendTo`).
 */
export function delivery(over?: Partial<NewEvent>): NewEvent;
export function delivery(over: Partial<TestEvent>): TestEvent;
export function delivery(over: Partial<TestEvent> = {}): TestEvent {
  n++;
  return {
    id: `evt-${process.pid}-${n}`,
    receivedAt: 1_700_000_000_000 + n,
    method: 'POST',
    path: '/hooks',
    query: '',
    headers: [
      ['Host', '127.0.0.1:7700'],
      ['Content-Type', 'application/json'],
    ],
    body: Buffer.from(JSON.stringify({ n })),
    sourceIp: '127.0.0.1',
    viaTunnel: false,
    publicUrl: null,
    signature: { status: 'none', provider: null, reason: '' },
    idempotency: { key: null, source: null },
    schema: { status: 'none' },
    eventType: null,
    jobId: null,
    endpointId: 'default',
    contentType: 'application/json',
    ...over,
  };
}
