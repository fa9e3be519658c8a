import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport } from '../../src/renderer/src/http-transport';
import { createClient } from '../../src/shared/dispatch';
import type { EventSummary } from '../../src/shared/model';
import { startServe, type ServeProcess } from '../helpers/serve-process';

let s: ServeProcess;
beforeAll(async () => {
  s = await startServe();
});
afterAll(() => s.dispose());

describe('the browser HttpTransport against hookscope serve', () => {
  it('misses no delivery stored while its stream is still connecting', async () => {
    // Hold the stream's request back until a delivery has been stored.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const calls: string[] = [];
    const gatedFetch: typeof fetch = async (input, init) => {
      calls.push(new URL(String(input)).pathname);
      if (String(input).endsWith('/api/stream')) await gate;
      return fetch(input, init);
    };
    const transport = new HttpTransport(s.apiUrl, s.token, gatedFetch);
    const client = createClient(transport);
    const streamed: EventSummary[] = [];
    const off = client.on('events.batch', (b) => streamed.push(...b.items));
    const list = client.listEvents({});
    // The command waits for the stream to be answered before it is sent.
    expect(calls).toEqual(['/api/stream']);
    expect((await fetch(`${s.receiverUrl}/in-the-gap`, { method: 'POST' })).status).toBe(200);
    release();
    // The list was read only after the stream was registered, so it has the delivery.
    expect((await list).items.map((e) => e.path)).toEqual(['/in-the-gap']);
    const later = new Promise<void>((resolve) =>
      client.on('events.batch', (b) => b.items.some((i) => i.path === '/later') && resolve()),
    );
    await fetch(`${s.receiverUrl}/later`, { method: 'POST' });
    await later;
    expect(streamed.map((e) => e.path)).toEqual(['/later']);
    off();
    transport.close();
  });

  it('maps API errors to HookscopeError with code and issues', async () => {
    const client = createClient(new HttpTransport(s.apiUrl, s.token));
    await expect(client.getEvent({ id: 'missing' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(client.listEvents({ limit: -1 })).rejects.toMatchObject({
      code: 'bad_input',
      issues: [expect.objectContaining({ path: ['limit'] })],
    });
    const wrong = createClient(new HttpTransport(s.apiUrl, 'wrong'));
    await expect(wrong.getStatus()).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
