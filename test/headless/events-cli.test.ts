import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startServe, type ServeProcess } from '../helpers/serve-process';

const exec = promisify(execFile);

/** Runs `hookscope events ...` and resolves with its exit code and output (never rejects). */
async function events(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, [CLI, 'events', ...args], { timeout: 20_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

let s: ServeProcess;
let api: string[];
let dir: string;
beforeAll(async () => {
  s = await startServe();
  api = ['--api', s.apiUrl, '--token', s.token];
  dir = mkdtempSync(join(tmpdir(), 'hookscope-events-cli-'));
});
afterAll(async () => {
  await s.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('hookscope events', () => {
  it('checks options before opening anything, naming the option and what it expects', async () => {
    const dataDir = join(dir, 'never-created');
    for (const [args, message] of [
      [['list', '--limit', 'ten'], '--limit: expected a whole number from 1 to 500, got "ten"'],
      [['list', '--limit', '0'], '--limit: expected a whole number from 1 to 500, got 0'],
      [
        ['replay', 'evt', '--to', 'localhost:3000/hooks'],
        '--to: expected an http(s) URL such as http://localhost:3000/webhooks, got "localhost:3000/hooks"',
      ],
      [
        ['import', join(dir, 'missing.har')],
        `${join(dir, 'missing.har')}: cannot read it (ENOENT)`,
      ],
    ] as const) {
      const r = await events([...args, '--data-dir', dataDir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`hookscope events: ${message}`);
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('replay exits 1 when the target does not answer 2xx, 0 when it does', async () => {
    let answer = 400;
    const app = createServer((_req, res) => {
      res.statusCode = answer;
      res.end();
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}/hook`;
    try {
      await fetch(`${s.receiverUrl}/replay-me`, { method: 'POST', body: '{"n":1}' });
      const { items } = (await (await s.api('listEvents', { limit: 1 })).json()) as {
        items: { id: string }[];
      };
      const ev = items[0];
      const refused = await events(['replay', ev!.id, '--to', target, ...api]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/<-- \[400\]/);
      // A replay URL is a base: the event's path (after the endpoint's prefix) goes under it.
      expect(refused.stderr).toContain(`replay not accepted: ${target}/replay-me answered 400`);
      answer = 204;
      const ok = await events(['replay', ev!.id, '--to', target, ...api]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/<-- \[204\]/);
    } finally {
      app.close();
    }
  });

  it('trigger without --endpoint picks the endpoint of the sample’s provider with a secret, says so and signs', async () => {
    const secret = 'whsec_trigger_test';
    const res = await s.api('saveEndpoint', {
      name: 'Stripe',
      path: '/stripe',
      provider: 'stripe',
      secrets: [secret],
    });
    expect(res.status).toBe(200);
    const r = await events(['trigger', 'stripe.payment_intent.succeeded', ...api]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `sent stripe.payment_intent.succeeded to ${s.receiverUrl}/stripe (endpoint "Stripe": the stripe endpoint with a secret) [200] signed`,
    );
    const { items } = (await (await s.api('listEvents', { limit: 1 })).json()) as {
      items: { path: string; signature: { status: string } }[];
    };
    expect(items[0]).toMatchObject({ path: '/stripe', signature: { status: 'valid' } });
  });

  it('import brings back an export (HAR or NDJSON, told by name or content) into another log', async () => {
    await fetch(`${s.receiverUrl}/orders`, { method: 'POST', body: '{"order":7}' });
    const ndjson = await events(['export', '--format', 'ndjson', '--limit', '1', ...api]);
    const har = await events(['export', '--format', 'har', '--limit', '1', ...api]);
    const files = {
      ndjson: join(dir, 'one.ndjson'),
      har: join(dir, 'one.har'),
      sniffed: join(dir, 'one.txt'), // a HAR without the extension: told by its content
    };
    writeFileSync(files.ndjson, ndjson.stdout);
    writeFileSync(files.har, har.stdout);
    writeFileSync(files.sniffed, har.stdout);
    const other = join(dir, 'other-log');
    for (const [file, format] of [
      [files.ndjson, 'ndjson'],
      [files.har, 'har'],
      [files.sniffed, 'har'],
    ] as const) {
      const r = await events(['import', file, '--data-dir', other]);
      expect(r.code, r.stderr).toBe(0);
      // The same event in all three files: brought in once, then left out (idempotent).
      expect(r.stdout).toBe(
        file === files.ndjson
          ? `imported 1 events from ${file} (${format})\n`
          : `imported 0 events from ${file} (${format}); 1 already in the log (the same event id), left out\n`,
      );
    }
    const list = await events(['list', '--data-dir', other, '--json']);
    const items = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { path: string; imported: boolean });
    expect(items.map((e) => [e.path, e.imported])).toEqual([['/orders', true]]);
    const bad = await events(['import', files.ndjson, '--format', 'xml', '--data-dir', other]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format: expected one of har, ndjson (got "xml")');
  });
});
