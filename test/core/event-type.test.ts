import { describe, expect, it } from 'vitest';
import { inspect, MAX_EVENT_TYPE } from '../../src/core/inspect';
import { startEngine } from '../helpers/engine';
import { rawRequest } from '../helpers/http';
import { endpoint } from './schemas/helpers';

const typeOf = (headers: [string, string][], body: unknown): string | null =>
  inspect(
    {
      receivedAt: 0,
      method: 'POST',
      path: '/hooks',
      query: '',
      headers: [['content-type', 'application/json'], ...headers],
      body: Buffer.from(JSON.stringify(body)),
      sourceIp: null,
      viaTunnel: false,
      publicUrl: null,
    },
    endpoint,
    [],
    0,
    null,
  ).eventType;

describe('the event type', () => {
  it('is at most as long as the list filter takes, never cut inside a character', () => {
    const joined = typeOf([['X-GitHub-Event', 'T'.repeat(200)]], { action: 'a'.repeat(200) });
    expect(joined).toHaveLength(MAX_EVENT_TYPE);
    const emoji = typeOf([], { type: `${'x'.repeat(199)}😀` });
    expect(emoji).toBe('x'.repeat(199));
    expect(typeOf([], { type: '   ' })).toBeNull();
    expect(typeOf([], { type: ' invoice.paid ' })).toBe('invoice.paid');
  });

  it('of any stored delivery can be filtered on, and an empty filter totals what it lists', async () => {
    const t = await startEngine();
    try {
      await rawRequest(t.receiverUrl, {
        path: '/long',
        headers: [['Content-Type', 'application/json']],
        body: JSON.stringify({ type: `${'y'.repeat(199)}😀 and more` }),
      });
      await rawRequest(t.receiverUrl, { path: '/none', body: '{}' });
      const e = (await t.client.listEvents({})).items.find((x) => x.path === '/long');
      const byType = await t.client.listEvents({ eventType: e!.eventType!, withTotal: true });
      expect(byType.items.map((x) => x.path)).toEqual(['/long']);
      expect(byType.total).toBe(1);
      const empty = await t.client.listEvents({ eventType: '', withTotal: true });
      expect(empty.total).toBe(empty.items.length);
    } finally {
      await t.stop();
    }
  });
});
