import Database from 'better-sqlite3';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PushName } from '../../src/shared/contract';
import { HookscopeError } from '../../src/shared/errors';
import { DEFAULT_SETTINGS } from '../../src/shared/defaults';
import type { SecretStore } from '../../src/core/secrets';
import { salvageSettings } from '../../src/core/store/settings-store';
import { startEngine, tempDir, type TestEngine } from '../helpers/engine';

let t: TestEngine | null = null;
const servers: Server[] = [];
afterEach(async () => {
  await t?.stop();
  t = null;
  for (const s of servers.splice(0)) s.close();
});

/** Every push the engine sends, with what listEndpoints said at the moment it was sent. */
function record(e: TestEngine): { name: PushName; payload: unknown }[] {
  const got: { name: PushName; payload: unknown }[] = [];
  e.engine.subscribe(({ name, payload }) => {
    got.push({ name, payload });
  });
  return got;
}

async function conflictOf(p: Promise<unknown>): Promise<HookscopeError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HookscopeError);
  expect((err as HookscopeError).code).toBe('conflict');
  return err as HookscopeError;
}

describe('endpoint revisions and pushes (issue 14.2)', () => {
  it('bumps rev on every change and pushes the endpoint after it is committed', async () => {
    t = await startEngine();
    const e = t;
    const got: { name: PushName; listed: unknown }[] = [];
    // What a client would read the moment the push arrives: the change is already there.
    e.engine.subscribe(({ name, payload }) => {
      if (name !== 'endpoints.changed') return;
      const p = payload as { id: string };
      void e.client
        .listEndpoints({})
        .then((r) => got.push({ name, listed: r.items.find((i) => i.id === p.id) ?? null }));
    });
    const pushes = record(e);
    const a = await e.client.saveEndpoint({ name: 'A', path: '/a', secrets: ['s3cr3t-canary'] });
    expect(a.rev).toBe(1);
    const b = await e.client.saveEndpoint({
      id: a.id,
      name: 'A',
      path: '/a',
      forwardTo: 'http://127.0.0.1:9/x',
    });
    expect(b.rev).toBe(2);
    const changed = pushes.filter((p) => p.name === 'endpoints.changed');
    expect(changed.map((p) => (p.payload as { endpoint: { rev: number } }).endpoint.rev)).toEqual([
      1, 2,
    ]);
    // Never a secret in a push: only how many.
    expect(JSON.stringify(changed)).not.toContain('s3cr3t-canary');
    expect(
      (changed[1]!.payload as { endpoint: { secretCount: number } }).endpoint.secretCount,
    ).toBe(1);
    await e.client.deleteEndpoint({ id: a.id });
    const last = pushes.filter((p) => p.name === 'endpoints.changed').at(-1)!;
    expect(last.payload).toEqual({ id: a.id, endpoint: null });
    await new Promise<void>((r) => setImmediate(r));
    await e.client.listEndpoints({});
    expect(got.map((g) => (g.listed as { rev: number } | null)?.rev ?? null)).toEqual([1, 2, null]);
  });

  it('refuses a save based on an old rev, saying what changed elsewhere, and keeps the newer one', async () => {
    t = await startEngine();
    const a = await t.client.saveEndpoint({ name: 'Orders', path: '/orders' });
    // Elsewhere (the API, another window): a forward target is set.
    await t.client.saveEndpoint({
      id: a.id,
      name: 'Orders',
      path: '/orders',
      forwardTo: 'http://localhost:3000/hooks',
    });
    // The stale form saves what it showed (forwardTo null) with the rev it was based on.
    const err = await conflictOf(
      t.client.saveEndpoint({
        id: a.id,
        rev: a.rev,
        name: 'Orders renamed',
        path: '/orders',
        forwardTo: null,
      }),
    );
    expect(err.message).toBe(
      'Forward target was changed elsewhere to http://localhost:3000/hooks. Your changes were not saved; save them again on the current version.',
    );
    const now = (await t.client.listEndpoints({})).items.find((i) => i.id === a.id)!;
    expect(now.forwardTo).toBe('http://localhost:3000/hooks');
    expect(now.name).toBe('Orders');
    expect(now.rev).toBe(2);
    // Based on the current rev it goes through; without a rev the last writer wins, as before.
    const ok = await t.client.saveEndpoint({ id: a.id, rev: 2, name: 'O2', path: '/orders' });
    expect(ok.rev).toBe(3);
    expect(ok.forwardTo).toBe('http://localhost:3000/hooks');
    const lww = await t.client.saveEndpoint({
      id: a.id,
      name: 'O3',
      path: '/orders',
      forwardTo: null,
    });
    expect(lww.rev).toBe(4);
  });

  it('names several changes, and says when the endpoint was deleted elsewhere', async () => {
    t = await startEngine();
    const a = await t.client.saveEndpoint({ name: 'X', path: '/x' });
    await t.client.saveEndpoint({ id: a.id, name: 'Y', path: '/y', secrets: ['k1', 'k2'] });
    const err = await conflictOf(
      t.client.saveEndpoint({ id: a.id, rev: 1, name: 'X', path: '/x' }),
    );
    expect(err.message).toBe(
      'Name was changed elsewhere to Y, and path prefix to /y, signing secrets (2 now). Your changes were not saved; save them again on the current version.',
    );
    expect(err.message).not.toContain('k1');
    await t.client.deleteEndpoint({ id: a.id });
    const gone = await conflictOf(
      t.client.saveEndpoint({ id: a.id, rev: 2, name: 'Y', path: '/y' }),
    );
    expect(gone.message).toBe('Endpoint "Y" was deleted elsewhere; your changes were not saved.');
  });

  it('changes nothing, in memory or pushed, when the secrets cannot be written', async () => {
    const data = new Map<string, string[]>();
    let failing = false;
    const secretStore: SecretStore = {
      get: (id) => data.get(id) ?? [],
      set: (id, s) => {
        if (failing) throw new Error('EACCES: permission denied, open secrets.json');
        data.set(id, s);
      },
      delete: (id) => void data.delete(id),
    };
    t = await startEngine({ secretStore });
    const a = await t.client.saveEndpoint({ name: 'A', path: '/a' });
    const pushes = record(t);
    failing = true;
    await expect(
      t.client.saveEndpoint({ id: a.id, name: 'A2', path: '/a2', secrets: ['x'] }),
    ).rejects.toThrow(/EACCES/);
    const now = (await t.client.listEndpoints({})).items.find((i) => i.id === a.id)!;
    expect(now).toMatchObject({ name: 'A', path: '/a', rev: 1, secretCount: 0 });
    expect(pushes.filter((p) => p.name === 'endpoints.changed')).toEqual([]);
    // The row was rolled back too.
    const db = new Database(`${t.dataDir}/hookscope.db`, { readonly: true });
    expect(db.prepare('SELECT name, path, rev FROM endpoints WHERE id = ?').get(a.id)).toEqual({
      name: 'A',
      path: '/a',
      rev: 1,
    });
    db.close();
  });
});

describe('settings and tunnel settings revisions', () => {
  it('pushes saved settings with their rev and refuses a stale save in words', async () => {
    t = await startEngine();
    const pushes = record(t);
    const s0 = await t.client.getSettings({});
    const s1 = await t.client.saveSettings({
      rev: s0.rev,
      forwarding: { ...s0.forwarding, maxAttempts: 3 },
    });
    expect(s1.rev).toBe(s0.rev + 1);
    expect(pushes.filter((p) => p.name === 'settings.changed').map((p) => p.payload)).toEqual([s1]);
    const err = await conflictOf(
      t.client.saveSettings({ rev: s0.rev, retention: { maxEvents: 10, maxAgeDays: null } }),
    );
    expect(err.message).toBe(
      'Attempts before the dead-letter list was changed elsewhere to 3. Your changes were not saved; save them again on the current version.',
    );
    expect((await t.client.getSettings({})).retention).toEqual(s1.retention);
    // No rev: the last writer wins, as before.
    const s2 = await t.client.saveSettings({ retention: { maxEvents: 10, maxAgeDays: null } });
    expect(s2.rev).toBe(s1.rev + 1);
  });

  it('keeps the settings rev across a restart', async () => {
    const { dir, cleanup } = tempDir();
    try {
      t = await startEngine({ dataDir: dir });
      const s = await t.client.saveSettings({
        forwarding: { ...DEFAULT_SETTINGS.forwarding, paused: true },
      });
      await t.stop();
      t = await startEngine({ dataDir: dir });
      const again = await t.client.getSettings({});
      expect(again.rev).toBe(s.rev);
      expect(again.forwarding.paused).toBe(true);
    } finally {
      await t?.stop();
      t = null;
      cleanup();
    }
  });

  it('tunnel settings carry a rev, push on save (no secrets) and refuse a stale save', async () => {
    t = await startEngine({
      authtokenLookup: { env: {}, homeDir: '/nonexistent', platform: 'linux' },
    });
    const pushes = record(t);
    const v0 = await t.client.getTunnelSettings({});
    const v1 = await t.client.saveTunnelSettings({
      rev: v0.rev,
      authtoken: 'tok_canary_123',
      options: { region: 'eu', basicAuth: 'me:pass-canary-1' },
    });
    expect(v1.rev).toBe(v0.rev + 1);
    const pushed = pushes.filter((p) => p.name === 'tunnelSettings.changed');
    expect(pushed.map((p) => p.payload)).toEqual([v1]);
    expect(JSON.stringify(pushed)).not.toMatch(/tok_canary|pass-canary/);
    const err = await conflictOf(
      t.client.saveTunnelSettings({ rev: v0.rev, options: { region: 'us' } }),
    );
    expect(err.message).toMatch(/^The tunnel settings were changed elsewhere; reload to see them/);
    expect((await t.client.getTunnelSettings({})).options.region).toBe('eu');
  });
});

describe('settings that fail to parse (issue 13)', () => {
  it('keeps every field that parses and resets only the bad ones', () => {
    const stored = {
      retention: { maxEvents: 500, maxAgeDays: 'a week' },
      forwarding: { ...DEFAULT_SETTINGS.forwarding, maxAttempts: 7, concurrency: -1 },
      receiver: { ...DEFAULT_SETTINGS.receiver, maxBodyBytes: 2048 },
    };
    const { settings, reset } = salvageSettings(stored);
    expect(settings.retention).toEqual({
      maxEvents: 500,
      maxAgeDays: DEFAULT_SETTINGS.retention.maxAgeDays,
    });
    expect(settings.forwarding.maxAttempts).toBe(7);
    expect(settings.forwarding.concurrency).toBe(DEFAULT_SETTINGS.forwarding.concurrency);
    expect(settings.receiver.maxBodyBytes).toBe(2048);
    expect(reset).toEqual(['retention.maxAgeDays', 'forwarding.concurrency']);
  });

  it('tells the user which settings were reset, in getStatus', async () => {
    const { dir, cleanup } = tempDir();
    try {
      t = await startEngine({ dataDir: dir });
      await t.client.saveSettings({
        forwarding: { ...DEFAULT_SETTINGS.forwarding, maxAttempts: 9 },
        retention: { maxEvents: 1234, maxAgeDays: 30 },
      });
      await t.stop();
      t = null;
      const db = new Database(`${dir}/hookscope.db`);
      const row = db.prepare("SELECT value FROM meta WHERE key = 'settings'").get() as {
        value: string;
      };
      const s = JSON.parse(row.value) as Record<string, Record<string, unknown>>;
      s.forwarding!.timeoutMs = 'slow';
      db.prepare("UPDATE meta SET value = ? WHERE key = 'settings'").run(JSON.stringify(s));
      db.close();
      t = await startEngine({ dataDir: dir });
      const got = await t.client.getSettings({});
      expect(got.forwarding.maxAttempts).toBe(9);
      expect(got.retention).toEqual({ maxEvents: 1234, maxAgeDays: 30 });
      expect(got.forwarding.timeoutMs).toBe(DEFAULT_SETTINGS.forwarding.timeoutMs);
      const status = await t.client.getStatus({});
      const notice = status.notices.find((n) => n.code === 'settings_reset');
      expect(notice?.message).toBe(
        'Some saved settings could not be read and are back to their defaults: forward timeout (ms). The other settings were kept; check these in Settings.',
      );
    } finally {
      await t?.stop();
      t = null;
      cleanup();
    }
  });
});

describe('dead letters and check-ups are pushed too', () => {
  it('counts dead letters in getStatus and pushes the count when it moves', async () => {
    const app = createServer((_req, res) => res.writeHead(400).end('no'));
    servers.push(app);
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}/hook`;
    t = await startEngine({ retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    await t.client.saveSettings({ forwarding: { ...DEFAULT_SETTINGS.forwarding, maxAttempts: 1 } });
    await t.client.saveEndpoint({ name: 'App', path: '/app', forwardTo: target });
    const pushes = record(t);
    const counted = new Promise<number>((resolve) =>
      t!.engine.subscribe(({ name, payload: p }) => {
        if (name === 'deadLetters.changed') resolve((p as { count: number }).count);
      }),
    );
    const res = await fetch(`${t.receiverUrl}/app/x`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await counted).toBe(1);
    expect((await t.client.getStatus({})).deadLetters).toBe(1);
    await t.client.purgeDeadLetters({ all: true });
    expect(pushes.filter((p) => p.name === 'deadLetters.changed').map((p) => p.payload)).toEqual([
      { count: 1 },
      { count: 0 },
    ]);
    expect((await t.client.getStatus({})).deadLetters).toBe(0);
  });

  it('pushes check-up runs stored and deleted', async () => {
    const app = createServer((_req, res) => res.writeHead(200).end('ok'));
    servers.push(app);
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}/hook`;
    t = await startEngine();
    const pushes = record(t);
    const run = await t.client.runCheckup({
      target,
      provider: 'stripe',
      secret: 'whsec_abc',
      burst: { count: 2, concurrency: 1 },
      latencySamples: 1,
    });
    const stored = pushes.filter((p) => p.name === 'checkups.changed');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.payload).toMatchObject({ id: run.id, endpointId: null, run: { id: run.id } });
    expect(JSON.stringify(stored)).not.toContain('whsec_abc');
    await t.client.deleteCheckup({ id: run.id });
    expect(pushes.filter((p) => p.name === 'checkups.changed').at(-1)!.payload).toEqual({
      id: run.id,
      endpointId: null,
      run: null,
    });
  });
});
