import { describe, expect, it } from 'vitest';
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
});
