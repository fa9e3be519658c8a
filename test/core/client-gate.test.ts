import { describe, expect, it } from 'vitest';
import { ClientGate, LOG_EVERY_MS, type Client } from '../../src/core/client-gate';
import type { IncomingDelivery } from '../../src/core/types';

const rate = { perSecond: 1, burst: 2 };
const client = (key: string): Client => ({ key, limited: true });
const delivery = { path: '/' } as IncomingDelivery;

function gate() {
  const logged: [number, string][] = [];
  return { logged, gate: new ClientGate((_d, status, reason) => logged.push([status, reason])) };
}

describe('ClientGate', () => {
  it('tracks at most 10,000 clients, forgetting the least recently seen first', () => {
    const { gate: g } = gate();
    for (let i = 0; i < 10_001; i++) g.take(client(`10.0.${i >> 8}.${i & 255}`), 0, rate);
    expect(g.tracked).toBe(10_000);
    // The first client was forgotten: it starts again with a full burst; the last one did not.
    expect(g.take(client('10.0.0.0'), 0, rate)).toBe(0);
    expect(g.take(client('10.0.0.0'), 0, rate)).toBe(0);
    expect(g.take(client('10.0.0.0'), 0, rate)).toBeGreaterThan(0);
    expect(g.take(client('10.0.39.16'), 0, rate)).toBe(0);
    expect(g.take(client('10.0.39.16'), 0, rate)).toBeGreaterThan(0);
  });

  it('never limits this machine, and logs each of its refusals', () => {
    const { gate: g, logged } = gate();
    const me: Client = { key: '127.0.0.1', limited: false };
    for (let i = 0; i < 10; i++) expect(g.take(me, 0, rate)).toBe(0);
    for (let i = 0; i < 3; i++) expect(g.enter(me, 1)).not.toBeNull();
    for (let i = 0; i < 3; i++) g.refused(delivery, me, 413, 'too big', 0);
    expect(logged).toEqual(Array(3).fill([413, 'too big']));
    expect(g.tracked).toBe(0);
  });

  it('caps open connections per client; a release frees one slot once however often it is called', () => {
    const { gate: g } = gate();
    const a = client('203.0.113.1');
    const first = g.enter(a, 2)!;
    expect(g.enter(a, 2)).not.toBeNull();
    expect(g.enter(a, 2)).toBeNull();
    expect(g.enter(client('203.0.113.2'), 2)).not.toBeNull();
    first();
    first();
    expect(g.enter(a, 2)).not.toBeNull();
    expect(g.enter(a, 2)).toBeNull();
  });

  it('logs a client’s refusals once a minute per status, then with how many were not', () => {
    const { gate: g, logged } = gate();
    const a = client('203.0.113.1');
    for (let i = 0; i < 5; i++) g.refused(delivery, a, 431, 'many headers', i);
    g.refused(delivery, a, 429, 'rate', 10);
    g.refused(delivery, a, 431, 'many headers', LOG_EVERY_MS + 1);
    g.refused(delivery, a, 431, 'many headers', 3 * LOG_EVERY_MS);
    expect(logged).toEqual([
      [431, 'many headers (at most one like it a minute from 203.0.113.1 is logged)'],
      [429, 'rate (at most one like it a minute from 203.0.113.1 is logged)'],
      [
        431,
        'many headers (4 more like it from 203.0.113.1 since the previous one were not logged; one a minute is)',
      ],
      [431, 'many headers (at most one like it a minute from 203.0.113.1 is logged)'],
    ]);
  });
});
