import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, tempDir } from '../../helpers/engine';
import { FakeTunnels } from './fake-tunnel';

const TOKEN = 'saved-token-5f2d9c1ab7e3';
const PASSWORD = 'basic-pass-8d3e';
const WEBHOOK_SECRET = 'whsec_edge_4a1b9c';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Every file the engine wrote in its data dir (db, WAL, secrets), as one string. */
function dataDirText(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) out[name] = readFileSync(join(dir, name)).toString('latin1');
  return out;
}

async function engineOn(dataDir: string, home: string, pushes: unknown[] = []) {
  const tunnels = new FakeTunnels();
  const t = await startEngine({
    dataDir,
    tunnelFactory: tunnels.factory,
    authtokenLookup: { env: { NGROK_AUTHTOKEN: 'env-token-1' }, homeDir: home, platform: 'linux' },
  });
  t.engine.subscribe(({ payload }) => {
    pushes.push(payload);
  });
  return { ...t, tunnels };
}

describe('tunnel settings', () => {
  it('persist across restarts; the authtoken and option secrets never reach the log or a UI', async () => {
    const data = tempDir();
    const home = tempDir('hookscope-home-');
    cleanups.push(data.cleanup, home.cleanup);
    const pushes: unknown[] = [];
    const a = await engineOn(data.dir, home.dir, pushes);
    expect(await a.client.getTunnelSettings({})).toEqual({
      options: {},
      authtoken: { source: 'env', configured: true },
      rev: 1,
    });
    const saved = await a.client.saveTunnelSettings({
      authtoken: TOKEN,
      options: {
        domain: 'My-App.ngrok-free.app',
        region: 'eu',
        basicAuth: `alice:${PASSWORD}`,
        allowCidrs: ['203.0.113.0/24', '2001:db8::/32'],
        denyCidrs: ['203.0.113.128/25'],
        webhookVerification: { provider: 'github', secret: WEBHOOK_SECRET },
        oauth: { provider: 'google', allowDomains: ['example.com'] },
      },
    });
    const view = {
      options: {
        domain: 'my-app.ngrok-free.app',
        region: 'eu',
        basicAuthUser: 'alice',
        allowCidrs: ['203.0.113.0/24', '2001:db8::/32'],
        denyCidrs: ['203.0.113.128/25'],
        webhookVerification: { provider: 'github' },
        oauth: { provider: 'google', allowDomains: ['example.com'] },
      },
      authtoken: { source: 'settings', configured: true },
      rev: 2,
    };
    expect(saved).toEqual(view);
    const started = await a.client.startTunnel({});
    expect(started.authtokenSource).toBe('settings');
    expect(a.tunnels.last.params).toMatchObject({
      authtoken: TOKEN,
      options: {
        basicAuth: `alice:${PASSWORD}`,
        webhookVerification: { provider: 'github', secret: WEBHOOK_SECRET },
      },
    });
    const status = await a.client.getStatus();
    await a.engine.stop();

    const everything = JSON.stringify([saved, started, status, pushes]);
    for (const secret of [TOKEN, PASSWORD, WEBHOOK_SECRET])
      expect(everything).not.toContain(secret);
    const files = dataDirText(data.dir);
    for (const [name, text] of Object.entries(files)) {
      if (name === 'secrets.json') continue;
      for (const secret of [TOKEN, PASSWORD, WEBHOOK_SECRET]) {
        expect(text, `${secret} in ${name}`).not.toContain(secret);
      }
    }
    expect(files['secrets.json']).toContain(TOKEN);
    expect(statSync(join(data.dir, 'secrets.json')).mode & 0o777).toBe(0o600);

    const b = await engineOn(data.dir, home.dir);
    cleanups.push(() => b.engine.stop());
    expect(await b.client.getTunnelSettings({})).toEqual(view);
    await b.client.startTunnel({});
    expect(b.tunnels.last.params!.authtoken).toBe(TOKEN);
    expect(b.tunnels.last.params!.options.basicAuth).toBe(`alice:${PASSWORD}`);
  });

  it('keeps what a patch leaves out, clears what it sets to null, forgets the token on null', async () => {
    const data = tempDir();
    const home = tempDir('hookscope-home-');
    cleanups.push(data.cleanup, home.cleanup);
    const a = await engineOn(data.dir, home.dir);
    cleanups.push(() => a.engine.stop());
    await a.client.saveTunnelSettings({
      authtoken: TOKEN,
      options: { domain: 'a.ngrok.app', basicAuth: `bob:${PASSWORD}` },
    });
    const next = await a.client.saveTunnelSettings({ options: { region: 'us', basicAuth: null } });
    expect(next.options).toEqual({ domain: 'a.ngrok.app', region: 'us' });
    expect(readFileSync(join(data.dir, 'secrets.json'), 'utf8')).not.toContain(PASSWORD);
    const forgot = await a.client.saveTunnelSettings({ authtoken: null });
    expect(forgot.authtoken).toEqual({ source: 'env', configured: true });
    expect(readFileSync(join(data.dir, 'secrets.json'), 'utf8')).not.toContain(TOKEN);
  });

  it('a one-off startTunnel option is used but not saved', async () => {
    const data = tempDir();
    const home = tempDir('hookscope-home-');
    cleanups.push(data.cleanup, home.cleanup);
    const a = await engineOn(data.dir, home.dir);
    cleanups.push(() => a.engine.stop());
    await a.client.startTunnel({ options: { domain: 'once.ngrok.app' } });
    expect(a.tunnels.last.params!.options).toEqual({ domain: 'once.ngrok.app' });
    expect((await a.client.getTunnelSettings({})).options).toEqual({});
  });
});
