import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      // Starts with the id `show` and `replay` take.
      expect(human.stdout.startsWith(`${ev!.id}  `)).toBe(true);
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

  it('exports any size to a file or stdout, event by event, in bounded memory', async () => {
    // 12 bodies of 4 MB: a 128 MB HAR, over what one exportEvents answer may carry. The CLI
    // runs with a 96 MB heap: holding the export whole would not fit.
    const bodies = Array.from({ length: 12 }, () => randomBytes(4 * 1024 * 1024));
    const s = await startServe();
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-export-'));
    const cli = (args: string[]) =>
      run(process.execPath, ['--max-old-space-size=96', CLI, 'events', 'export', ...args], {
        maxBuffer: 512 * 1024 * 1024,
      });
    try {
      for (const [i, body] of bodies.entries()) {
        const r = await fetch(`${s.receiverUrl}/big/${i}`, { method: 'POST', body });
        expect(r.status).toBe(200);
      }
      const api = ['--api', s.apiUrl, '--token', s.token];
      const refused = await s.api('exportEvents', { format: 'har' });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
        /^the export would hold 48\.0 MB of bodies \(12 events\).*--out FILE`$/,
      );
      const file = join(dir, 'all.har');
      const done = await cli([...api, '--out', file]);
      expect(done.stdout).toBe(`exported 12 events to ${file}\n`);
      const har = JSON.parse(readFileSync(file, 'utf8')) as {
        log: { entries: { _hookscope: { path: string; bodyBase64: string } }[] };
      };
      expect(har.log.entries.map((e) => e._hookscope.path)).toEqual(
        bodies.map((_, i) => `/big/${i}`),
      );
      har.log.entries.forEach((e, i) =>
        expect(Buffer.from(e._hookscope.bodyBase64, 'base64').equals(bodies[i]!)).toBe(true),
      );
      // NDJSON to stdout, through the API, and from the data dir with no instance running.
      const lines = (await cli([...api, '--format', 'ndjson', '--limit', '5'])).stdout;
      expect(
        lines
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { path: string }).path),
      ).toEqual(['/big/7', '/big/8', '/big/9', '/big/10', '/big/11']);
      await s.stop();
      const offline = await cli(['--data-dir', s.dataDir, '--format', 'ndjson']);
      const events = offline.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { body: { base64: string } });
      expect(events).toHaveLength(12);
      expect(Buffer.from(events[11]!.body.base64, 'base64').equals(bodies[11]!)).toBe(true);
      const bad = await cli(['--data-dir', s.dataDir, '--limit', 'x']).catch(
        (e: { stderr: string }) => e,
      );
      expect(bad).toMatchObject({
        stderr: expect.stringContaining('--limit must be a whole number above 0'),
      });
    } finally {
      await s.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
    // 48 MB through the API and back, three times, with a 96 MB heap: slow on a busy 2-core box.
  }, 180_000);

  it('says what is wrong with an export in words, never with a stack trace', async () => {
    const s = await startServe();
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-export-'));
    try {
      const body = randomBytes(1024 * 1024);
      for (let i = 0; i < 12; i++) {
        expect((await fetch(`${s.receiverUrl}/e/${i}`, { method: 'POST', body })).status).toBe(200);
      }
      await s.stop();
      const offline = ['events', 'export', '--data-dir', s.dataDir];
      const failing = (args: string[]) =>
        run(process.execPath, [CLI, ...offline, ...args]).then(
          () => null,
          (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
        );
      // Regression: an unhandled 'error' event (ENOENT) crashed the CLI with a stack trace.
      const missing = join(dir, 'no-such-folder', 'x.har');
      expect(await failing(['--out', missing])).toEqual({
        code: 1,
        stderr: `hookscope events: cannot write ${missing}: ENOENT: no such file or directory, open '${missing}'\n`,
      });
      // Bad options are refused before a file is created.
      const file = join(dir, 'x.har');
      expect(await failing(['--limit', '0', '--out', file])).toEqual({
        code: 2,
        stderr: 'hookscope events: --limit must be a whole number above 0\n',
      });
      expect(await failing(['--format', 'xml', '--out', file])).toEqual({
        code: 2,
        stderr: 'hookscope events: --format must be har or ndjson, got "xml"\n',
      });
      expect(existsSync(file)).toBe(false);
      // A reader that stops reading (`| head -c 100`): the export ends quietly (was EPIPE,
      // unhandled).
      const child = spawn(process.execPath, [CLI, ...offline], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      await s.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
