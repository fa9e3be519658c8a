import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CLI, startServe } from '../helpers/serve-process';

describe('hookscope listen', () => {
  it('forwards to --forward-to and prints a line per delivery and per forward', async () => {
    const received: string[] = [];
    const app = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.end('ok');
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhooks`;
    const s = await startServe({
      command: 'listen',
      args: [
        '--forward-to',
        target,
        '--path',
        '/stripe',
        '--provider',
        'stripe',
        '--secret',
        'whsec_x',
      ],
    });
    try {
      const until = async (pred: () => boolean): Promise<void> => {
        const deadline = Date.now() + 5000;
        while (!pred()) {
          if (Date.now() > deadline) throw new Error(`no such line in ${JSON.stringify(s.lines)}`);
          await new Promise<void>((r) => s.child.stdout!.once('data', () => r()));
        }
      };
      await until(() => s.lines.some((l) => l.event === 'listening'));
      expect(s.lines.find((l) => l.event === 'listening')).toMatchObject({
        url: `${s.receiverUrl}/stripe`,
        forwardTo: target,
        provider: 'stripe',
      });
      const res = await fetch(`${s.receiverUrl}/stripe/events`, {
        method: 'POST',
        body: '{"id":"evt_9"}',
      });
      expect(res.status).toBe(200);
      await until(() => s.lines.some((l) => l.event === 'forward'));
      expect(s.lines.find((l) => l.event === 'delivery')).toMatchObject({
        method: 'POST',
        path: '/stripe/events',
        signature: { status: 'missing', provider: 'stripe' },
      });
      expect(s.lines.find((l) => l.event === 'forward')).toMatchObject({
        status: 200,
        targetUrl: `${target}/events`,
        kind: 'live',
      });
      expect(received).toEqual(['POST /webhooks/events']);
    } finally {
      await s.dispose();
      app.close();
    }
  });

  it('refuses a --forward-to that is not a URL, saying which option', () => {
    const bad = spawnSync(
      process.execPath,
      [
        CLI,
        'listen',
        '--forward-to',
        'localhost:3000',
        '--receiver-port',
        '0',
        '--api-port',
        '0',
        '--data-dir',
        '/tmp/hookscope-listen-bad',
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/forwardTo/);
  });
});
