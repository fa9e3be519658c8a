import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient } from '../helpers/sse';
import { startServe, type ServeProcess } from '../helpers/serve-process';

let s: ServeProcess;
beforeAll(async () => {
  s = await startServe();
});
afterAll(() => s.dispose());

describe('live entities over the control API (issue 14.2)', () => {
  it('streams endpoint and settings changes and answers a stale save 409 in words', async () => {
    const sse = await SseClient.connect(`${s.apiUrl}/api/stream`, {
      Authorization: `Bearer ${s.token}`,
    });
    const created = (await (
      await s.api('saveEndpoint', { name: 'Shop', path: '/shop', secrets: ['canary-secret-77'] })
    ).json()) as { id: string; rev: number };
    const res = await s.api('saveEndpoint', {
      id: created.id,
      name: 'Shop',
      path: '/shop',
      forwardTo: 'http://127.0.0.1:4000/hooks',
    });
    expect(res.status).toBe(200);
    await sse.until((c) => c.messages.filter((m) => m.event === 'endpoints.changed').length === 2);
    const pushed = sse.messages.filter((m) => m.event === 'endpoints.changed');
    expect(pushed[1]!.data).toMatchObject({
      id: created.id,
      endpoint: { forwardTo: 'http://127.0.0.1:4000/hooks', rev: 2, secretCount: 1 },
    });
    expect(JSON.stringify(sse.messages)).not.toContain('canary-secret-77');

    const stale = await s.api('saveEndpoint', {
      id: created.id,
      rev: created.rev,
      name: 'Shop',
      path: '/shop',
      forwardTo: null,
    });
    expect(stale.status).toBe(409);
    const body = (await stale.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toBe(
      'Forward target was changed elsewhere to http://127.0.0.1:4000/hooks. Your changes were not saved; save them again on the current version.',
    );

    const settings = (await (await s.api('getSettings')).json()) as {
      rev: number;
      forwarding: Record<string, unknown>;
    };
    await s.api('saveSettings', { forwarding: { ...settings.forwarding, paused: true } });
    await sse.until((c) => c.messages.some((m) => m.event === 'settings.changed'));
    const staleSettings = await s.api('saveSettings', {
      rev: settings.rev,
      forwarding: { ...settings.forwarding, paused: false },
    });
    expect(staleSettings.status).toBe(409);
    expect(((await staleSettings.json()) as { error: { message: string } }).error.message).toBe(
      'Forwarding paused was changed elsewhere to true. Your changes were not saved; save them again on the current version.',
    );
    sse.close();
  });
});
