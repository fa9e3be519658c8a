import { describe, expect, it } from 'vitest';
import type { EventSummary } from '../../src/shared/model';
import { mergeSummaries } from '../../src/renderer/src/use-events';

const ev = (id: string, seq: number, rev: number, status = 'none'): EventSummary => ({
  id,
  seq,
  rev,
  receivedAt: new Date(0).toISOString(),
  endpointId: 'default',
  method: 'POST',
  path: '/',
  size: 0,
  contentType: null,
  viaTunnel: false,
  eventType: null,
  jobId: null,
  signature: { status: status as EventSummary['signature']['status'], provider: null },
  idempotency: { duplicateOf: null, deliveryCount: 1 },
  schema: { status: 'none' },
  forward: { status: 'none' },
  response: { status: 200 },
});

describe('mergeSummaries', () => {
  it('keeps newest first by seq, replaces older versions, ignores stale ones', () => {
    const list = [ev('b', 2, 2), ev('a', 1, 1)];
    const merged = mergeSummaries(list, [
      ev('c', 3, 3),
      ev('a', 1, 4, 'valid'),
      ev('b', 2, 1, 'invalid'),
    ]);
    expect(merged.map((e) => e.id)).toEqual(['c', 'b', 'a']);
    expect(merged.find((e) => e.id === 'a')!.signature.status).toBe('valid');
    expect(merged.find((e) => e.id === 'b')!.signature.status).toBe('none');
  });
});
