import { describe, expect, it } from 'vitest';
import { ClientGate, LOG_EVERY_MS, MAX_TRACKED, type Client } from '../../src/core/client-gate';
import { clientGroups, clientKey } from '../../src/core/net';
import type { IncomingDelivery } from '../../src/core/types';

const rate = { perSecond: 1, burst: 2 };
const client = (key: string): Client => ({ key, limited: true });
const delivery = { path: '/' } as IncomingDelivery;

function gate() {
  const logged: [number, string][] = [];
  return { logged, gate: new ClientGate((_d, status, reason) => logged.push([status, reason])) };
}

describe('ClientGate', () => {
  it('tracks at most 10,000 buckets; a new client takes the place of an idle one, never of a busy one', () => {
    const { gate: g } = gate();
    const flooder = client('203.0.113.66');
    // The flooder spends its burst, then 10,000 other clients each send one request at once.
    expect(g.take(flooder, 0, rate)).toBeNull();
    expect(g.take(flooder, 0, rate)).toBeNull();
    expect(g.take(flooder, 0, rate)).toMatchObject({ key: '203.0.113.66', waitMs: 1000 });
    for (let i = 0; i < MAX_TRACKED - 1; i++) g.take(client(`10.0.${i >> 8}.${i & 255}`), 0, rate);
    expect(g.tracked).toBe(MAX_TRACKED);
    // Nobody is idle yet: the flooder was not forgotten (still limited), newcomers share one
    // overflow allowance (2 requests), and nothing grows.
    expect(g.take(flooder, 0, rate)).not.toBeNull();
    expect(g.take(client('198.51.100.1'), 0, rate)).toBeNull();
    expect(g.take(client('198.51.100.2'), 0, rate)).toBeNull();
    expect(g.take(client('198.51.100.3'), 0, rate)).not.toBeNull();
    expect(g.tracked).toBe(MAX_TRACKED);
    // Two seconds on, the one-request clients are full again (idle); the flooder keeps
    // flooding and stays limited however many new clients come.
    let passed = 0;
    for (let i = 0; i < 2_000; i++) {
      if (g.take(flooder, 2000 + i, rate) === null) passed++;
      g.take(client(`10.1.${i >> 8}.${i & 255}`), 2000 + i, rate);
    }
    expect(passed).toBe(3); // its burst of 2, then 1/s
    expect(g.tracked).toBe(MAX_TRACKED);
    expect(g.take(client('10.0.0.0'), 4000, rate)).toBeNull(); // forgotten: it was idle
  });

  it('counts a client against its groups too, with their shares of the rate', () => {
    const { gate: g } = gate();
    const inGroup = (n: number): Client => ({
      key: `2001:db8:77:${n.toString(16)}::/64`,
      limited: true,
      groups: [
        { key: '2001:db8:77::/56', share: 2 },
        { key: '2001:db8:77::/48', share: 4 },
      ],
    });
    // Each /64 has a burst of 2, the /48 of 8: rotating /64s gets 8 through, then the /48's 429.
    const results = Array.from({ length: 12 }, (_, n) => g.take(inGroup(n), 0, rate));
    expect(results.filter((r) => r === null)).toHaveLength(4);
    expect(results.slice(4).map((r) => r?.key)).toEqual(Array(8).fill('2001:db8:77::/56'));
    expect(results[11]).toMatchObject({ perSecond: 2, burst: 4 });
  });

  it('never limits this machine, and logs each of its refusals', () => {
    const { gate: g, logged } = gate();
    const me: Client = { key: '127.0.0.1', limited: false };
    for (let i = 0; i < 10; i++) expect(g.take(me, 0, rate)).toBeNull();
    for (let i = 0; i < 3; i++) expect(g.enter(me, 1)).not.toBeNull();
    for (let i = 0; i < 3; i++) g.refused(delivery, me, 413, 'too big', 0);
    expect(logged).toEqual(Array(3).fill([413, 'too big']));
    expect(g.tracked).toBe(0);
  });

  it('caps open connections per client; a release frees one slot once however often it is called', () => {
    const { gate: g } = gate();
    const a = client('203.0.113.1');
    const first = g.enter(a, 2) as () => void;
    expect(g.enter(a, 2)).toBeTypeOf('function');
    expect(g.enter(a, 2)).toEqual({ key: '203.0.113.1', max: 2 });
    expect(g.enter(client('203.0.113.2'), 2)).toBeTypeOf('function');
    first();
    first();
    expect(g.enter(a, 2)).toBeTypeOf('function');
    expect(g.enter(a, 2)).toEqual({ key: '203.0.113.1', max: 2 });
  });

  it('caps open connections per IPv6 /56 and /48 as the rate: a client rotating /64s gets 2x and 4x the cap, not one cap per /64', () => {
    const { gate: g } = gate();
    const ipv6 = (ip: string): Client => ({
      key: clientKey(ip)!,
      limited: true,
      groups: clientGroups(ip),
    });
    const opened: (() => void)[] = [];
    const refused: { key: string; max: number }[] = [];
    // Each connection from another /64 of 2001:db8:77::/48 (the /56 changes every 256 /64s).
    const tryFrom = (i: number): void => {
      const r = g.enter(ipv6(`2001:db8:77:${i.toString(16)}::1`), 2);
      if (typeof r === 'function') opened.push(r);
      else refused.push(r);
    };
    // In one /56: 2 per /64 would be 512 connections; the /56 holds 4 (2 × 2).
    for (let i = 0; i < 256; i++) tryFrom(i);
    expect(opened).toHaveLength(4);
    expect(refused[0]).toEqual({ key: '2001:db8:77:0::/56', max: 4 });
    // Across the /48's /56s: 8 in all (4 × 2), then the /48 is full.
    for (let i = 256; i < 65_536; i += 256) tryFrom(i);
    expect(opened).toHaveLength(8);
    expect(refused.at(-1)).toEqual({ key: '2001:db8:77::/48', max: 8 });
    // Another /48 is another client; a release frees a slot of the /64, /56 and /48 at once.
    tryFrom(0x10000 - 1);
    expect(opened).toHaveLength(8);
    expect(typeof g.enter(ipv6('2001:db8:78::1'), 2)).toBe('function');
    opened[0]!();
    tryFrom(5);
    expect(opened).toHaveLength(9);
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
