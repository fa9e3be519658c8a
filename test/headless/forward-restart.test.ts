import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startServe } from '../helpers/serve-process';

describe('forward queue across a crash', () => {
  it('delivers every queued forward after SIGKILL and restart, each exactly once', async () => {
    const got: string[] = [];
    let all!: () => void;
    const done = new Promise<void>((r) => (all = r));
    const N = 20;
    const app = createServer((req, res) => {
      got.push(req.url!);
      res.end();
      if (got.length === N) all();
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const s = await startServe();
    try {
      const call = async (name: string, input: unknown) =>
        expect((await s.api(name, input)).status).toBe(200);
      await call('saveEndpoint', { id: 'default', name: 'App', path: '/', forwardTo: target });
      // Paused: deliveries are acknowledged and queued, nothing is sent yet.
      await call('saveSettings', {
        forwarding: { paused: true, concurrency: 4, timeoutMs: 5000, maxAttempts: 3 },
      });
      for (let i = 0; i < N; i++) {
        expect(
          (await fetch(`${s.receiverUrl}/e/${i}`, { method: 'POST', body: String(i) })).status,
        ).toBe(200);
      }
      expect((await s.stop('SIGKILL')).signal).toBe('SIGKILL');
      expect(got).toEqual([]);

      const again = await startServe({ dataDir: s.dataDir });
      try {
        const resume = await again.api('saveSettings', {
          forwarding: { paused: false, concurrency: 4, timeoutMs: 5000, maxAttempts: 3 },
        });
        expect(resume.status).toBe(200);
        await done;
        expect([...got].sort()).toEqual(Array.from({ length: N }, (_, i) => `/e/${i}`).sort());
      } finally {
        await again.stop();
      }
    } finally {
      await s.dispose();
      app.close();
    }
  });
});
