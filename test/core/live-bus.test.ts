import { describe, expect, it } from 'vitest';
import { LiveBus } from '../../src/core/live-bus';
import type { PushMessage } from '../../src/shared/contract';
import { HookscopeError } from '../../src/shared/errors';
import type { EventSummary } from '../../src/shared/model';
import { rawRequest } from '../helpers/http';
import { startEngine } from '../helpers/engine';

describe('live bus', () => {
  it('pushes a burst of deliveries as one batch stamped with the highest rev', async () => {
    const t = await startEngine();
    try {
      const batches: { rev: number; items: EventSummary[] }[] = [];
      const got = new Promise<void>((resolve) => {
        t.client.on('events.batch', (b) => {
          batches.push(b);
          if (batches.flatMap((x) => x.items).length >= 10) resolve();
        });
      });
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => rawRequest(t.receiverUrl, { path: `/b/${i}` })),
      );
      await got;
      // All ten answered within one 50 ms window: they arrive together, ordered by rev.
      const items = batches.flatMap((b) => b.items);
      expect(items.map((i) => i.rev)).toEqual([...items.map((i) => i.rev)].sort((a, b) => a - b));
      expect(batches.length).toBeLessThan(10);
      for (const b of batches) expect(b.rev).toBe(b.items[b.items.length - 1]!.rev);
      expect(items.some((i) => 'body' in i)).toBe(false);
    } finally {
      await t.stop();
    }
  });

  it('enforces retention in the background and pushes the deletions', async () => {
    const t = await startEngine({ maintenanceIntervalMs: 20 });
    try {
      for (let i = 0; i < 5; i++) await rawRequest(t.receiverUrl, { path: `/r/${i}` });
      const deleted = new Promise<string[]>((resolve) =>
        t.client.on('events.deleted', (d) => resolve(d.ids)),
      );
      await t.client.saveSettings({ retention: { maxEvents: 2, maxAgeDays: null } });
      expect(await deleted).toHaveLength(3);
      const { items } = await t.client.listEvents({});
      expect(items.map((e) => e.path)).toEqual(['/r/4', '/r/3']);
      expect((await t.client.getStatus()).events).toBe(2);
    } finally {
      await t.stop();
    }
  });

  it('sends the batch it holds before any later push, so a delivery precedes its attempts', () => {
    const bus = new LiveBus(60_000);
    const got: string[] = [];
    bus.subscribe((p: PushMessage) => got.push(p.name));
    bus.publishSummaries([{ id: 'a', rev: 1, seq: 1 } as EventSummary]);
    bus.emit('deadLetters.changed', { count: 1 });
    bus.emit('deadLetters.changed', { count: 2 });
    expect(got).toEqual(['events.batch', 'deadLetters.changed', 'deadLetters.changed']);
    bus.close();
  });

  it("the engine's own client parses input like any transport and hears only the push it asked for", async () => {
    const t = await startEngine();
    try {
      const client = t.engine.client;
      const err = await client.listEvents({ limit: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HookscopeError);
      expect((err as HookscopeError).code).toBe('bad_input');
      const heard: unknown[] = [];
      client.on('deadLetters.changed', (p) => heard.push(p));
      await client.saveSettings({ retention: { maxEvents: 500, maxAgeDays: null } });
      await rawRequest(t.receiverUrl, { path: '/x' });
      await t.engine.events.drained();
      expect(heard).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it('listChanges pages every change after a cursor, updates included, and says where the log is', async () => {
    const t = await startEngine();
    try {
      for (let i = 0; i < 5; i++) await rawRequest(t.receiverUrl, { path: `/c/${i}` });
      const start = await t.client.listChanges({ afterRev: 0, limit: 2 });
      expect(start.items.map((e) => e.path)).toEqual(['/c/0', '/c/1']);
      expect(start.hasMore).toBe(true);
      const rest = await t.client.listChanges({ afterRev: start.items[1]!.rev });
      expect(rest.items.map((e) => e.path)).toEqual(['/c/2', '/c/3', '/c/4']);
      expect(rest.hasMore).toBe(false);
      expect(rest.rev).toBe(rest.items[2]!.rev);
      // Nothing after the cursor: an empty page at the same cursor.
      const none = await t.client.listChanges({ afterRev: rest.rev });
      expect(none).toEqual({ rev: rest.rev, items: [], hasMore: false });
    } finally {
      await t.stop();
    }
  });
});
