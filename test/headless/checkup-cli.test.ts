import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { Checkup } from '../../src/shared/checkup';
import {
  STRIPE_SECRET,
  noVerify,
  receiverPool,
  stripeVerify,
  type Receiver,
} from '../core/checkup/receivers';
import { startEngine, tempDir } from '../helpers/engine';
import { ROOT, startServe } from '../helpers/serve-process';

/** `bin/hookscope.js` (needs `npm run build`). */
const BIN = join(ROOT, 'bin', 'hookscope.js');
const SMALL = ['--burst', '6', '--concurrency', '3', '--latency-samples', '2'];

function hookscope(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.HOOKSCOPE_API;
    delete env.HOOKSCOPE_TOKEN;
    delete env.HOOKSCOPE_SECRET;
    Object.assign(env, extraEnv);
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

const pool = receiverPool();
afterEach(() => pool.closeAll());
const receiver = pool.start;

/** `checkup` signing as Stripe with the test secret against `r`, with a small burst. */
const stripeRun = (r: Receiver, ...more: string[]) =>
  hookscope([
    'checkup',
    '--target',
    r.url,
    '--provider',
    'stripe',
    '--secret',
    STRIPE_SECRET,
    ...SMALL,
    ...more,
  ]);

describe('hookscope checkup', () => {
  it('exits 0 with the Checkup as JSON when every must-pass probe passes', async () => {
    const r = await receiver({ verify: stripeVerify() });
    const out = await stripeRun(r, '--json');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const c = Checkup.parse(JSON.parse(out.stdout));
    expect(c).toMatchObject({ passed: true, score: 100, requests: 6 + 2 + 6, endpointId: null });
    expect(r.received()).toBe(14);
    expect(out.stdout).not.toContain(STRIPE_SECRET);
  });

  it('reads the secret from --secret-file or HOOKSCOPE_SECRET, keeping it out of the arguments', async () => {
    const r = await receiver({ verify: stripeVerify() });
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    const file = join(dir, 'secret');
    writeFileSync(file, `\n  ${STRIPE_SECRET}  \n\n`, { mode: 0o600 });
    const base = ['checkup', '--target', r.url, '--provider', 'stripe', ...SMALL, '--json'];
    const fromFile = await hookscope([...base, '--secret-file', file]);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.code).toBe(0);
    expect(Checkup.parse(JSON.parse(fromFile.stdout))).toMatchObject({ passed: true });
    const fromEnv = await hookscope(base, { HOOKSCOPE_SECRET: STRIPE_SECRET });
    expect(fromEnv.stderr).toBe('');
    expect(fromEnv.code).toBe(0);
    // A wrong secret in the file is used, not ignored: the valid probe is refused.
    writeFileSync(file, 'whsec_wrong');
    const wrong = await hookscope([...base, '--secret-file', file], {
      HOOKSCOPE_SECRET: STRIPE_SECRET,
    });
    expect(wrong.code).toBe(1);
    expect(r.received()).toBe(3 * 14);
  });

  it('exits 1 and prints the report with fixes when a must-pass probe fails', async () => {
    const r = await receiver({ verify: noVerify });
    const out = await stripeRun(r);
    expect(out.code).toBe(1);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe(
      `Check-up of ${r.url} as stripe (sample stripe.payment_intent.succeeded)`,
    );
    expect(lines[1]).toMatch(
      /^Score 56\/100 · FAILED \(must pass: forged, tampered, stale, unsigned\) · 14 requests in \d+\.\d s$/,
    );
    expect(out.stdout).toMatch(/^✓ valid {7}Accepts a valid delivery — Answered 200 in /m);
    expect(out.stdout).toMatch(/^✗ forged {6}Rejects a forged signature — Accepted a delivery/m);
    const text = out.stdout.replace(/\n {14}/g, ' ');
    expect(text).toContain(
      'Fix: Your endpoint accepted a delivery signed with the wrong secret: it does not verify signatures.',
    );
    expect(text).toMatch(/^✓ redirect {4}Never redirects — No 3xx among 14 answers\.$/m);
  });

  it('exits 2 on bad usage, saying what is wrong, without sending anything', async () => {
    const r = await receiver({ verify: noVerify });
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    const twoLines = join(dir, 'two');
    writeFileSync(twoLines, 'a\nb\n');
    const cases: [string[], string][] = [
      [
        ['--target', r.url, '--provider', 'stripe'],
        'give --secret-file (or --secret, HOOKSCOPE_SECRET) (or --endpoint ID)',
      ],
      [
        ['--target', r.url, '--provider', 'stripe', '--secret', 's', '--secret-file', twoLines],
        'give --secret or --secret-file, not both',
      ],
      [
        ['--target', r.url, '--provider', 'stripe', '--secret-file', twoLines],
        `--secret-file: ${twoLines} holds 2 lines; a check-up signs with one secret`,
      ],
      [
        ['--target', r.url, '--provider', 'stripe', '--secret-file', join(dir, 'absent')],
        `--secret-file: cannot read ${join(dir, 'absent')} (ENOENT)`,
      ],
      [
        ['--target', r.url, '--provider', 'nope', '--secret', 's'],
        '--provider: expected one of standard-webhooks, openai,',
      ],
      [
        ['--target', 'ftp://x', '--provider', 'stripe', '--secret', 's'],
        '--target: expected an http(s) URL such as http://localhost:3000/webhooks, got "ftp://x"',
      ],
      [['--burst', 'many'], '--burst: expected a whole number from 1 to 500, got "many"'],
      [['--timeout', '5'], '--timeout: expected a whole number from 100 to 60000, got 5'],
      [['--bogus'], "Unknown option '--bogus'"],
      [
        ['--target', r.url, '--provider', 'discord', '--secret', 'ab'.repeat(32)],
        'cannot sign as Discord: Discord signs with its own private key',
      ],
      [
        ['--target', r.url, '--provider', 'stripe', '--secret', 's', '--sample', 'github.push'],
        'sample "github.push" is a github delivery, but the check-up signs as stripe',
      ],
    ];
    const outs = await Promise.all(cases.map(([args]) => hookscope(['checkup', ...args])));
    cases.forEach(([args, message], i) => {
      expect({ args, code: outs[i]!.code }).toEqual({ args, code: 2 });
      expect(outs[i]!.stderr).toContain(message);
      expect(outs[i]!.stderr).toContain('(hookscope checkup --help)');
    });
    expect(r.received()).toBe(0);
  });

  it("--endpoint runs through a running instance with the endpoint's settings and keeps the run", async () => {
    const r = await receiver({ verify: stripeVerify() });
    const s = await startServe();
    try {
      const saved = await s.api('saveEndpoint', {
        name: 'Stripe',
        path: '/stripe',
        provider: 'stripe',
        secrets: [STRIPE_SECRET],
        forwardTo: r.url,
      });
      const ep = (await saved.json()) as { id: string };
      const api = ['--api', s.apiUrl, '--token', s.token];
      const out = await hookscope(['checkup', '--endpoint', ep.id, ...api, ...SMALL, '--json']);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const c = Checkup.parse(JSON.parse(out.stdout));
      expect(c).toMatchObject({ endpointId: ep.id, target: r.url, passed: true });
      const history = (await (await s.api('listCheckups', { endpointId: ep.id })).json()) as {
        items: { id: string }[];
      };
      expect(history.items.map((i) => i.id)).toEqual([c.id]);

      const missing = await hookscope(['checkup', '--endpoint', 'default', ...api]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('endpoint "Default" has no forward target: give target');
      const unknown = await hookscope(['checkup', '--endpoint', 'nope', ...api]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no endpoint "nope"');
    } finally {
      await s.dispose();
    }
  });

  it('--endpoint without --api runs in the log of --data-dir and keeps the run there', async () => {
    const r = await receiver({ verify: stripeVerify() });
    const { dir, cleanup } = tempDir();
    try {
      const out = await stripeRun(r, '--endpoint', 'default', '--data-dir', dir, '--json');
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const c = Checkup.parse(JSON.parse(out.stdout));
      expect(c).toMatchObject({ endpointId: 'default', passed: true });
      const t = await startEngine({ dataDir: dir });
      try {
        expect((await t.client.listCheckups({ endpointId: 'default' })).items).toEqual([
          expect.objectContaining({ id: c.id }),
        ]);
      } finally {
        await t.stop();
      }
    } finally {
      cleanup();
    }
  });
});
