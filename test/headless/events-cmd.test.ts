import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, startServe } from '../helpers/serve-process';

const run = promisify(execFile);

describe('hookscope events', () => {
  it('lists, shows, replays and exports through a running instance, and from the data dir', async () => {
    const got: string[] = [];
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push(body);
        res.end();
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}/hook`;
    const s = await startServe();
    try {
      await fetch(`${s.receiverUrl}/orders`, {
        method: 'POST',
        body: '{"id":"evt_cli","type":"order.created"}',
      });
      const api = ['--api', s.apiUrl, '--token', s.token];
      const list = await run(process.execPath, [CLI, 'events', 'list', ...api, '--json']);
      const [ev] = list.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; path: string });
      expect(ev!.path).toBe('/orders');
      const human = await run(process.execPath, [CLI, 'events', 'list', ...api]);
      expect(human.stdout).toMatch(
        /--> order\.created \[[0-9a-f-]{36}\] {2}POST \/orders {2}signature none/,
      );
      const show = await run(process.execPath, [CLI, 'events', 'show', ev!.id, ...api]);
      expect(show.stdout).toContain('{"id":"evt_cli","type":"order.created"}');
      const replay = await run(process.execPath, [
        CLI,
        'events',
        'replay',
        ev!.id,
        '--to',
        target,
        ...api,
      ]);
      expect(replay.stdout).toMatch(/<-- \[200\]/);
      expect(got).toEqual(['{"id":"evt_cli","type":"order.created"}']);
      const har = await run(process.execPath, [CLI, 'events', 'export', ...api]);
      expect(JSON.parse(har.stdout).log.entries).toHaveLength(1);
      const samples = await run(process.execPath, [CLI, 'events', 'samples', ...api]);
      expect(samples.stdout).toContain('openai.batch.completed');
      const trigger = await run(process.execPath, [
        CLI,
        'events',
        'trigger',
        'github.push',
        ...api,
      ]);
      expect(trigger.stdout).toMatch(/sent github\.push to .* \[200\] unsigned/);
      const bad = await run(process.execPath, [CLI, 'events', 'show', 'nope', ...api]).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('no event "nope"') });
    } finally {
      await s.stop();
      app.close();
    }
    // The log on disk, with no instance running.
    const offline = await run(process.execPath, [
      CLI,
      'events',
      'list',
      '--data-dir',
      s.dataDir,
      '--json',
    ]);
    expect(offline.stdout).toContain('"/orders"');
    await s.dispose();
  });
});
