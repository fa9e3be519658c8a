import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http';
import { CLI, startServe } from '../helpers/serve-process';

/** Listens on `port` so nothing else can; null when something already does. */
function occupy(port: number): Promise<Server | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('hookscope serve', () => {
  it('keeps events across a clean stop and restart on the same data dir', async () => {
    const s = await startServe();
    const body = JSON.stringify({ id: 'evt_persist', type: 'batch.completed' });
    expect((await rawRequest(s.receiverUrl, { path: '/persist', body })).status).toBe(200);
    const exit = await s.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(s.lines.at(-1)).toMatchObject({ event: 'stopped', signal: 'SIGTERM' });

    const again = await startServe({ dataDir: s.dataDir });
    try {
      const list = (await (await again.api('listEvents', {})).json()) as {
        items: { id: string; path: string }[];
      };
      expect(list.items.map((e) => e.path)).toEqual(['/persist']);
      const detail = (await (await again.api('getEvent', { id: list.items[0]!.id })).json()) as {
        body: { text: string };
      };
      expect(detail.body.text).toBe(body);
    } finally {
      expect((await again.stop('SIGINT')).code).toBe(0);
      expect(again.lines.at(-1)).toMatchObject({ event: 'stopped', signal: 'SIGINT' });
      await s.dispose();
    }
  });

  it('prints exactly one JSON ready line with the documented fields', async () => {
    const s = await startServe();
    try {
      expect(s.receiverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.apiUrl).not.toBe(s.receiverUrl);
      expect(s.token.length).toBeGreaterThanOrEqual(32);
      // Never read as an option by `--token <value>`.
      expect(s.token).toMatch(/^hs_[A-Za-z0-9_-]+$/);
      expect(s.lines).toEqual([]);
    } finally {
      await s.dispose();
    }
  });

  it('exits 2 with usage for an unknown flag or command', () => {
    const flag = spawnSync(process.execPath, [CLI, 'serve', '--nope'], { encoding: 'utf8' });
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--nope'/);
    const cmd = spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8' });
    expect(cmd.status).toBe(2);
    expect(cmd.stderr).toContain('unknown command "frobnicate"');
    const port = spawnSync(process.execPath, [CLI, 'serve', '--receiver-port', 'abc', '--json'], {
      encoding: 'utf8',
    });
    expect(port.status).toBe(2); // bad usage, refused before anything starts
    expect(JSON.parse(port.stdout.trim())).toMatchObject({
      event: 'error',
      message: expect.stringContaining('--receiver-port'),
    });
  });

  it('moves to free ports when the default ones are taken', async () => {
    const blockers = await Promise.all([7700, 7701].map(occupy));
    const s = await startServe({ defaultPorts: true });
    try {
      expect(new URL(s.receiverUrl).port).not.toBe('7700');
      expect(new URL(s.apiUrl).port).not.toBe('7701');
      expect((await s.api('getStatus')).status).toBe(200);
    } finally {
      await s.dispose();
      for (const b of blockers) b?.close();
    }
  });

  it('says clearly when a port asked for is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-port-'));
    try {
      const r = spawnSync(
        process.execPath,
        [
          CLI,
          'serve',
          '--data-dir',
          dir,
          '--receiver-port',
          String(port),
          '--api-port',
          '0',
          '--no-open',
        ],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('port already in use');
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
