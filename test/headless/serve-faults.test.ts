import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/core/store/settings-store';
import { tempDir } from '../helpers/engine';
import { rawRequest } from '../helpers/http';
import { CLI, startServe, type ServeProcess } from '../helpers/serve-process';

let s: ServeProcess | null = null;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await s?.dispose();
  s = null;
  for (const c of cleanups.splice(0)) c();
});

describe('hookscope serve under faults', () => {
  it('starts on a corrupt log: moves it aside, says where, and receives', async () => {
    const d = tempDir();
    cleanups.push(d.cleanup);
    writeFileSync(join(d.dir, 'hookscope.db'), 'not a database at all, not even close');
    s = await startServe({ dataDir: d.dir });
    const status = (await (await s.api('getStatus')).json()) as { notices: { path: string }[] };
    expect(status.notices[0]?.path).toMatch(/hookscope\.db\.corrupt-/);
    // The notice line follows the ready line: wait for it (bounded).
    const deadline = Date.now() + 5000;
    while (!s.lines.some((l) => l.event === 'notice') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const notice = s.lines.find((l) => l.event === 'notice');
    expect(notice).toMatchObject({ code: 'log_recovered' });
    expect(String(notice!.path)).toMatch(/hookscope\.db\.corrupt-/);
    expect((await rawRequest(s.receiverUrl, { body: '{}' })).status).toBe(200);
  });

  it('starts on a secrets file cut short by a crash: sets it aside and says so', async () => {
    const d = tempDir();
    cleanups.push(d.cleanup);
    writeFileSync(join(d.dir, 'secrets.json'), '{"ep_1":["whsec_');
    s = await startServe({ dataDir: d.dir });
    // The notice line follows the ready line: wait for it (bounded).
    const deadline = Date.now() + 5000;
    while (!s.lines.some((l) => l.event === 'notice') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const notice = s.lines.find((l) => l.event === 'notice');
    expect(notice).toMatchObject({ code: 'secrets_recovered' });
    expect(readFileSync(String(notice!.path), 'utf8')).toBe('{"ep_1":["whsec_');
    expect((await rawRequest(s.receiverUrl, { body: '{}' })).status).toBe(200);
  });

  it('refuses to share a data folder with another running instance, with the reason', async () => {
    s = await startServe();
    const second = spawnSync(
      process.execPath,
      [
        CLI,
        'serve',
        '--no-open',
        '--receiver-port',
        '0',
        '--api-port',
        '0',
        '--data-dir',
        s.dataDir,
      ],
      { encoding: 'utf8', timeout: 15_000, env: { ...process.env, HOOKSCOPE_TOKEN: '' } },
    );
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(
      `Another Hookscope (pid ${s.child.pid}) is using the data folder`,
    );
    // The first one is unaffected.
    expect((await rawRequest(s.receiverUrl, {})).status).toBe(200);
  });

  it('starts on a folder whose lock file names a live program that is not a Hookscope, or a killed one', async () => {
    const d = tempDir();
    cleanups.push(d.cleanup);
    // A Hookscope died and its pid went to another program (here: this test process).
    writeFileSync(join(d.dir, 'hookscope.lock'), String(process.pid));
    s = await startServe({ dataDir: d.dir });
    expect((await rawRequest(s.receiverUrl, {})).status).toBe(200);
    // Killed outright, it leaves its files behind; the next one starts all the same.
    await s.stop('SIGKILL');
    s = await startServe({ dataDir: d.dir });
    expect((await rawRequest(s.receiverUrl, {})).status).toBe(200);
  });

  it('believes X-Forwarded-For only from HOOKSCOPE_TRUSTED_PROXIES and rate-limits the client it names', async () => {
    s = await startServe({ env: { HOOKSCOPE_TRUSTED_PROXIES: '127.0.0.1, ::1' } });
    await s.api('saveSettings', {
      receiver: { ...DEFAULT_SETTINGS.receiver, rateLimit: { perSecond: 0.1, burst: 2 } },
    });
    const send = () =>
      rawRequest(s!.receiverUrl, { headers: [['X-Forwarded-For', '203.0.113.9']] });
    expect([(await send()).status, (await send()).status, (await send()).status]).toEqual([
      200, 200, 429,
    ]);
    const list = (await (await s.api('listEvents', { limit: 5 })).json()) as {
      items: { id: string; rejected?: string }[];
    };
    const ok = list.items.find((e) => !e.rejected)!;
    const e = (await (await s.api('getEvent', { id: ok.id })).json()) as { sourceIp: string };
    expect(e.sourceIp).toBe('203.0.113.9');
  });

  it('exits 1 with the reason on a malformed HOOKSCOPE_TRUSTED_PROXIES', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--no-open', '--receiver-port', '0'], {
      encoding: 'utf8',
      timeout: 15_000,
      env: { ...process.env, HOOKSCOPE_TRUSTED_PROXIES: '10.0.0.0/99' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'HOOKSCOPE_TRUSTED_PROXIES: "10.0.0.0/99" has an invalid prefix length',
    );
  });

  it('exits 1 saying what is expected on a malformed HOOKSCOPE_FORWARD_LEASE_MARGIN_MS', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--no-open', '--receiver-port', '0'], {
      encoding: 'utf8',
      timeout: 15_000,
      env: { ...process.env, HOOKSCOPE_FORWARD_LEASE_MARGIN_MS: '5s' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'HOOKSCOPE_FORWARD_LEASE_MARGIN_MS is "5s": write a whole number of milliseconds from 0 to 3600000',
    );
  });
});
