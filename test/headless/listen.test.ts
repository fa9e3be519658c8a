import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('shows the provider’s event id, each retry and when it comes, the dead letter, and deliveries outside --path', async () => {
    const app = createServer((_req, res) => {
      res.statusCode = 503;
      res.end('down');
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhooks`;
    const s = await startServe({
      command: 'listen',
      args: ['--forward-to', target, '--path', '/stripe', '--provider', 'stripe'],
    });
    const until = async (pred: () => boolean): Promise<void> => {
      const deadline = Date.now() + 15_000;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`no such line in ${JSON.stringify(s.lines)}`);
        await new Promise<void>((r) => s.child.stdout!.once('data', () => r()));
      }
    };
    const of = (event: string) => s.lines.filter((l) => l.event === event);
    try {
      const settings = (await (await s.api('getSettings')).json()) as {
        forwarding: Record<string, unknown>;
      };
      const saved = await s.api('saveSettings', {
        forwarding: { ...settings.forwarding, maxAttempts: 2 },
      });
      expect(saved.status).toBe(200);
      const body = '{"id":"evt_listen_1","object":"event","type":"charge.succeeded"}';
      expect((await fetch(`${s.receiverUrl}/stripe`, { method: 'POST', body })).status).toBe(200);
      await until(() => of('dead-letter').length > 0);
      expect(of('delivery')[0]).toMatchObject({
        eventType: 'charge.succeeded',
        idempotency: { deliveryId: 'evt_listen_1' },
      });
      const [first, second] = of('forward');
      expect(first).toMatchObject({ status: 503, attempt: 1, maxAttempts: 2, nextAttempt: 2 });
      expect(first!.ref).toBe('evt_listen_1');
      expect(Date.parse(first!.nextAt as string)).toBeGreaterThan(Date.parse(first!.at as string));
      expect(second).toMatchObject({ status: 503, attempt: 2, maxAttempts: 2 });
      expect(second).not.toHaveProperty('nextAttempt');
      expect(of('dead-letter')).toEqual([
        expect.objectContaining({ ref: 'evt_listen_1', attempts: 2, status: 503 }),
      ]);

      expect((await fetch(`${s.receiverUrl}/other/x`, { method: 'POST', body: '{}' })).status).toBe(
        200,
      );
      await until(() => of('outside').length > 0);
      expect(of('outside')).toEqual([
        expect.objectContaining({ path: '/other/x', listening: '/stripe', held: 0 }),
      ]);
    } finally {
      await s.dispose();
      app.close();
    }
  });

  it('reads secrets from --secret-file (one per line) so they stay out of the process list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-secret-'));
    const file = join(dir, 'secrets');
    // An old and a new secret while rotating; the delivery is signed with the second.
    writeFileSync(file, 'whsec_old\n\n  whsec_new  \n');
    const s = await startServe({
      command: 'listen',
      args: ['--path', '/stripe', '--provider', 'stripe', '--secret-file', file],
    });
    try {
      expect(s.child.spawnargs.join(' ')).not.toContain('whsec_new');
      const body = '{"id":"evt_file"}';
      const t = Math.floor(Date.now() / 1000);
      const v1 = createHmac('sha256', 'whsec_new').update(`${t}.${body}`).digest('hex');
      const res = await fetch(`${s.receiverUrl}/stripe`, {
        method: 'POST',
        headers: { 'Stripe-Signature': `t=${t},v1=${v1}` },
        body,
      });
      expect(res.status).toBe(200);
      const deadline = Date.now() + 5000;
      while (!s.lines.some((l) => l.event === 'delivery') && Date.now() < deadline) {
        await new Promise<void>((r) => s.child.stdout!.once('data', () => r()));
      }
      expect(s.lines.find((l) => l.event === 'delivery')).toMatchObject({
        signature: { status: 'valid', provider: 'stripe' },
      });
    } finally {
      await s.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns when the secret does not look like the provider’s, without printing it', async () => {
    const s = await startServe({
      command: 'listen',
      args: ['--path', '/stripe', '--provider', 'stripe', '--secret', 'sk_live_123'],
    });
    try {
      const deadline = Date.now() + 10_000;
      while (!s.lines.some((l) => l.event === 'warning') && Date.now() < deadline) {
        await new Promise<void>((r) => s.child.stdout!.once('data', () => r()));
      }
      const warning = s.lines.find((l) => l.event === 'warning');
      expect(warning?.message).toMatch(
        /^The secret does not look like a signing secret for Stripe: it is a Stripe API key/,
      );
      expect(JSON.stringify(s.lines)).not.toContain('sk_live_123');
    } finally {
      await s.dispose();
    }
  });

  it('refuses an unreadable or empty --secret-file with exit 2, saying which', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-secret-'));
    try {
      const empty = join(dir, 'empty');
      writeFileSync(empty, '\n  \n');
      for (const [file, message] of [
        [join(dir, 'missing'), `--secret-file: cannot read ${join(dir, 'missing')} (ENOENT)`],
        [empty, `--secret-file: ${empty} holds no secret`],
      ] as const) {
        const r = spawnSync(process.execPath, [CLI, 'listen', '--secret-file', file], {
          encoding: 'utf8',
          timeout: 15_000,
        });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad options before the banner, naming the option and what it expects', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'hookscope-listen-bad-')), 'data');
    const run = (args: string[]) =>
      spawnSync(
        process.execPath,
        [CLI, 'listen', '--receiver-port', '0', '--api-port', '0', '--data-dir', dataDir, ...args],
        { encoding: 'utf8', timeout: 10_000 },
      );
    for (const [args, message] of [
      [
        ['--forward-to', 'localhost:3000'],
        '--forward-to: expected an http(s) URL such as http://localhost:3000/webhooks, got "localhost:3000"',
      ],
      [['--provider', 'stripee'], '--provider: expected one of standard-webhooks, openai,'],
      [['--path', 'stripe'], '--path: must start with / and contain no spaces, ? or #'],
      [['--receiver-port', '99999'], '--receiver-port must be a port number 0-65535'],
    ] as const) {
      const bad = run([...args]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain(`hookscope: ${message}`);
      expect(bad.stdout).toBe(''); // no banner, no "Ready!"
    }
    // Nothing was started: not even the data folder.
    expect(existsSync(dataDir)).toBe(false);
  });
});
