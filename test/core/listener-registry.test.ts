import { describe, expect, it } from 'vitest';
import { LISTENER_TIMEOUT_MS, ListenerRegistry } from '../../src/core/listeners/listener-registry';

describe('ListenerRegistry', () => {
  it('lists listeners from their heartbeats, tells each change once, drops the silent and the leaving', () => {
    let now = Date.parse('2025-01-31T18:00:00Z');
    const told: number[] = [];
    const r = new ListenerRegistry(
      () => now,
      (items) => told.push(items.length),
    );
    const alice = { id: 'a', name: 'alice', path: '/stripe', forwardTo: 'http://localhost:3000' };
    const bob = { id: 'b', name: 'bob', path: '/', forwardTo: 'http://localhost:4000' };
    r.beat(alice);
    now += 1000;
    r.beat(bob);
    now += 10_000;
    r.beat(alice); // a heartbeat: no change told
    expect(told).toEqual([1, 2]);
    expect(r.list().map((l) => [l.name, l.since, l.lastSeen])).toEqual([
      ['alice', '2025-01-31T18:00:00.000Z', '2025-01-31T18:00:11.000Z'],
      ['bob', '2025-01-31T18:00:01.000Z', '2025-01-31T18:00:01.000Z'],
    ]);
    now += LISTENER_TIMEOUT_MS - 5000; // bob silent for longer than the timeout
    expect(r.list().map((l) => l.name)).toEqual(['alice']);
    expect(told).toEqual([1, 2, 1]);
    r.beat({ ...alice, leaving: true });
    expect(r.list()).toEqual([]);
    expect(told).toEqual([1, 2, 1, 0]);
    r.stop();
  });
});
