import { describe, expect, it } from 'vitest';
import type { Output } from '../../src/shared/contract';
import type { DeadLetter, Endpoint } from '../../src/shared/model';
import {
  canResign,
  diffRows,
  importFormat,
  importSummary,
  lastResult,
  listCount,
  purgeSummary,
  redriveInput,
  sampleTarget,
} from '../../src/renderer/src/model/panels';

const endpoint = (over: Partial<Endpoint>): Endpoint =>
  ({
    id: 'x',
    name: 'X',
    path: '/x',
    provider: 'auto',
    secretCount: 0,
    rev: 1,
    ...over,
  }) as Endpoint;

const dead = (over: Partial<DeadLetter>): DeadLetter =>
  ({
    id: 1,
    eventId: 'e1',
    targetUrl: 'http://localhost:3000/',
    attempts: 5,
    lastStatus: null,
    lastError: null,
    updatedAt: '2024-01-01T00:00:00.000Z',
    event: null,
    ...over,
  }) as DeadLetter;

describe('diffRows', () => {
  it('lists the request line, changed, removed and added headers in that order', () => {
    const diff = {
      request: [{ field: 'path', before: '/a', after: '/b' }],
      headers: {
        changed: [{ name: 'x-sig', before: '1', after: '2' }],
        removed: [['x-old', 'o']],
        added: [['x-new', 'n']],
      },
      body: { kind: 'same' },
    } as unknown as Output<'diffEvents'>;
    expect(diffRows(diff)).toEqual([
      ['changed', 'path', '/a', '/b'],
      ['changed', 'x-sig', '1', '2'],
      ['removed', 'x-old', 'o', ''],
      ['added', 'x-new', '', 'n'],
    ]);
  });
});

describe('dead letters', () => {
  it('offers re-signing only when a dead letter shown can be re-signed', () => {
    expect(canResign(null)).toBe(false);
    expect(canResign([dead({})])).toBe(false);
    expect(
      canResign([dead({}), dead({ id: 2, resign: { possible: true } as DeadLetter['resign'] })]),
    ).toBe(true);
  });
  it('builds the redrive command for some or all, with resign only when asked', () => {
    expect(redriveInput([1, 2], false)).toEqual({ ids: [1, 2] });
    expect(redriveInput('all', true)).toEqual({ all: true, resign: true });
  });
  it('says a purge and a last result in words', () => {
    expect(purgeSummary(1)).toBe(
      'Purged 1 forward from the dead letters (the events stay in the log).',
    );
    expect(purgeSummary(1200)).toBe(
      'Purged 1,200 forwards from the dead letters (the events stay in the log).',
    );
    expect(lastResult(dead({ lastStatus: 502, lastError: 'x' }))).toBe(502);
    expect(lastResult(dead({ lastError: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(lastResult(dead({}))).toBe('failed');
  });
});

describe('sampleTarget', () => {
  const samples = [
    { id: 'stripe.x', provider: 'stripe' },
    { id: 'github.y', provider: 'github' },
  ] as Output<'listSamples'>['items'];
  const endpoints = [
    endpoint({ id: 'def', name: 'Default', path: '/' }),
    endpoint({ id: 's0', path: '/stripe-unsigned', provider: 'stripe' }),
    endpoint({ id: 's1', path: '/stripe', provider: 'stripe', secretCount: 1 }),
  ];
  it("picks the sample's provider's endpoint with a secret, else the default ('')", () => {
    expect(sampleTarget(samples, endpoints, 'stripe.x', null).endpointId).toBe('s1');
    expect(sampleTarget(samples, endpoints, 'github.y', null).endpointId).toBe('');
  });
  it('keeps what the user chose, the default too', () => {
    expect(sampleTarget(samples, endpoints, 'stripe.x', 's0').endpointId).toBe('s0');
    expect(sampleTarget(samples, endpoints, 'stripe.x', '').endpointId).toBe('');
  });
  it('names the default endpoint, saying when it is unsigned', () => {
    expect(sampleTarget(samples, endpoints, 'stripe.x', null).defaultLabel).toBe(
      'Default (/, unsigned)',
    );
    const signed = [endpoint({ name: 'Default', path: '/', secretCount: 2 })];
    expect(sampleTarget(samples, signed, 'stripe.x', null).defaultLabel).toBe('Default (/)');
    expect(sampleTarget(samples, [], 'stripe.x', null).defaultLabel).toBe(
      'Default endpoint (/, unsigned)',
    );
  });
});

describe('import', () => {
  it('tells the format by the name, else by the content', () => {
    expect(importFormat('log.HAR', '')).toBe('har');
    expect(importFormat('log.ndjson', '{"log":')).toBe('ndjson');
    expect(importFormat('log.jsonl', '')).toBe('ndjson');
    expect(importFormat('log.json', ' { "log": {} }')).toBe('har');
    expect(importFormat('log.json', '{"id":1}\n')).toBe('ndjson');
  });
  it('says what came in, what was there already, and the note', () => {
    expect(importSummary({ imported: 1 } as Output<'importEvents'>, 'a.har')).toBe(
      'Imported 1 event from a.har.',
    );
    expect(
      importSummary(
        { imported: 0, skipped: 2, note: 'Retention keeps 10.' } as Output<'importEvents'>,
        'b.ndjson',
      ),
    ).toBe(
      'Imported 0 events from b.ndjson. 2 were already in the log (the same event id) and left out. Retention keeps 10.',
    );
  });
});

describe('listCount', () => {
  const snap = { total: 3, hasMore: false, matching: null, matchingAtLeast: false };
  it("without a filter: the log's count", () => {
    expect(listCount(true, snap, 1)).toBe('1 delivery');
    expect(listCount(true, snap, undefined)).toBe('3 deliveries');
  });
  it("with one: the engine's count of matches, or what is loaded until it is known", () => {
    expect(listCount(false, { ...snap, hasMore: true }, 9)).toBe('3+ matching');
    expect(listCount(false, { ...snap, matching: 1500 }, 9)).toBe('1,500 matching');
    expect(listCount(false, { ...snap, matching: 7, matchingAtLeast: true }, 9)).toBe(
      'at least 7 matching',
    );
  });
});
