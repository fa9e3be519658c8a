import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../src/core/secrets';
import { registerIpc, relayPushes } from '../../src/main/ipc';
import { createOwnFrameCheck, createOwnPageCheck } from '../../src/main/own-page';
import { RemoteEngine, type RemoteConnection } from '../../src/main/remote-engine';
import { windowTitle, Workspaces } from '../../src/main/workspaces';
import type { PushMessage } from '../../src/shared/contract';
import { HookscopeError } from '../../src/shared/errors';
import type { WorkspaceState } from '../../src/shared/workspaces-contract';
import { startEngine, type TestEngine } from '../helpers/engine';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { SseClient } from '../helpers/sse';
import { fakeIpcMain } from './fakes';

// The desktop's remote workspace through the main-process code, against a real
// `hookscope serve` (out/main/cli.js: run `npm run build` first).

const OWN = 'app://hookscope/index.html';
const isOwnUrl = createOwnPageCheck();
const TOKEN = 'remote-engine-test-token';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(opts: { dataDir?: string; apiPort?: number } = {}): Promise<ServeProcess> {
  const s = await startServe({
    env: { HOOKSCOPE_TOKEN: TOKEN },
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.apiPort ? { args: ['--api-port', String(opts.apiPort)] } : {}),
  });
  cleanups.push(() => s.stop());
  return s;
}

function remote(o: ConstructorParameters<typeof RemoteEngine>[0]): RemoteEngine {
  const r = new RemoteEngine(o);
  cleanups.push(() => r.stop());
  return r;
}

/** Collects pushes and connection states, and waits for a condition on them (no sleeps). */
function recorder() {
  const pushes: PushMessage[] = [];
  const states: RemoteConnection[] = [];
  const waiters = new Set<() => void>();
  const poke = (): void => {
    for (const w of [...waiters]) w();
  };
  return {
    pushes,
    states,
    push: (p: PushMessage) => {
      pushes.push(p);
      poke();
    },
    state: (s: RemoteConnection) => {
      states.push(s);
      poke();
    },
    paths: () =>
      pushes.flatMap((p) => (p.name === 'events.batch' ? p.payload.items.map((i) => i.path) : [])),
    until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pred()) return;
          waiters.delete(check);
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(states)}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}

/** A reconnect wait the test releases: the stream stays down until `release()`. */
function gate() {
  let open: (() => void) | null = null;
  let waiting: (() => void) | null = null;
  const isWaiting = new Promise<void>((r) => (waiting = r));
  return {
    isWaiting,
    release: () => open?.(),
    wait: (_ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        open = resolve;
        signal.addEventListener('abort', () => resolve());
        waiting?.();
      }),
  };
}

async function post(receiverUrl: string, path: string): Promise<void> {
  const res = await fetch(`${receiverUrl}${path}`, { method: 'POST', body: '{"type":"t"}' });
  expect(res.status).toBe(200);
}

describe('RemoteEngine against a real hookscope serve', () => {
  it('answers commands with the server’s answers and errors, and relays its pushes', async () => {
    const s = await serve();
    const r = remote({ url: s.apiUrl, token: TOKEN });
    const status = (await r.handlers.getStatus({})) as { receiverUrl: string };
    expect(status.receiverUrl).toBe(s.receiverUrl);

    // The server's error, same code and message as over HTTP.
    const direct = (await (await s.api('getEvent', { id: 'nope' })).json()) as {
      error: { code: string; message: string };
    };
    const err = await r.call('getEvent', { id: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HookscopeError);
    expect(err).toMatchObject(direct.error);
    const bad = await r.call('listEvents', { limit: 0 }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'bad_input', message: expect.stringContaining('Limit') });
    // The shell's commands are not the server's.
    await expect(r.call('listWorkspaces', {})).rejects.toMatchObject({
      code: 'not_implemented',
      message: expect.stringContaining('only in the Hookscope desktop app'),
    });

    const rec = recorder();
    r.subscribe(rec.push);
    r.onConnection(rec.state);
    r.start();
    await rec.until(() => r.connection.connection === 'online', 'online');
    await post(s.receiverUrl, '/remote/one');
    await rec.until(() => rec.paths().includes('/remote/one'), 'the delivery as a push');
  });

  it('says the stream is lost when the server stops, and brings what was missed once back', async () => {
    const s = await serve();
    const apiPort = Number(new URL(s.apiUrl).port);
    const g = gate();
    const r = remote({ url: s.apiUrl, token: TOKEN, wait: g.wait });
    const rec = recorder();
    r.subscribe(rec.push);
    r.onConnection(rec.state);
    r.start();
    await rec.until(() => r.connection.connection === 'online', 'online');
    await post(s.receiverUrl, '/before');
    await rec.until(() => rec.paths().includes('/before'), 'the first delivery');

    await s.stop();
    await rec.until(() => r.connection.connection === 'lost', 'lost');
    expect(r.connection.detail).toBeTruthy();
    // A command meanwhile fails in words, nothing throws out of the engine.
    await expect(r.call('getStatus', {})).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('Cannot reach the Hookscope server'),
    });

    // Back on the same data dir and port; a delivery arrives before the stream reconnects.
    await g.isWaiting;
    const again = await serve({ dataDir: s.dataDir, apiPort });
    const watch = await SseClient.connect(`${again.apiUrl}/api/stream`, {
      Authorization: `Bearer ${TOKEN}`,
    });
    cleanups.push(() => watch.close());
    await post(again.receiverUrl, '/while-away');
    // Pushed live before the stream is back: only Last-Event-ID can bring it now.
    await watch.until((c) => c.eventIds.length > 0);
    g.release();
    await rec.until(() => rec.paths().includes('/while-away'), 'the missed delivery');
    expect(r.connection.connection).toBe('online');
    expect(rec.states.map((x) => x.connection)).toEqual(['online', 'lost', 'online']);
    expect(rec.paths().filter((p) => p === '/before')).toHaveLength(1);
  });

  it('refuses a wrong token with a clear unauthorised error, and keeps running', async () => {
    const s = await serve();
    const r = remote({ url: s.apiUrl, token: 'wrong', wait: gate().wait });
    await expect(r.call('getStatus', {})).rejects.toMatchObject({
      code: 'unauthorized',
      message: 'missing, wrong or revoked bearer token',
    });
    const rec = recorder();
    r.onConnection(rec.state);
    r.start();
    await rec.until(() => r.connection.connection === 'lost', 'lost');
    expect(r.connection.detail).toBe(
      "The server refused this workspace's token (missing, wrong or revoked bearer token).",
    );

    // Adding it as a workspace is refused the same way; nothing is saved.
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-ws-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const t = await startEngine();
    cleanups.push(() => t.stop());
    const ws = new Workspaces({ dir, tokens: new FileSecretStore(dir), local: t.engine });
    await expect(ws.add({ name: 'Team', url: s.apiUrl, token: 'wrong' })).rejects.toMatchObject({
      code: 'unauthorized',
      message: 'Could not open "Team": missing, wrong or revoked bearer token',
    });
    expect(ws.state().workspaces.map((w) => w.id)).toEqual(['local']);
  });

  it('checks the server’s certificate: a self-signed one is refused, accepted with its CA', async () => {
    const s = await serve();
    const tls = await tlsProxy(s.apiUrl);
    const refused = remote({ url: tls.url, token: TOKEN });
    await expect(refused.call('getStatus', {})).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('is not trusted'),
    });
    const trusted = remote({ url: tls.url, token: TOKEN, ca: tls.cert });
    await expect(trusted.call('getStatus', {})).resolves.toMatchObject({
      receiverUrl: s.receiverUrl,
    });
    const rec = recorder();
    trusted.subscribe(rec.push);
    trusted.onConnection(rec.state);
    trusted.start();
    await rec.until(() => trusted.connection.connection === 'online', 'online over TLS');
    await post(s.receiverUrl, '/over-tls');
    await rec.until(() => rec.paths().includes('/over-tls'), 'a push over TLS');
  });
});

describe('Workspaces: Local and saved servers behind the IPC layer', () => {
  it('switches Local ↔ server with one call; only the active one’s pushes reach the window', async () => {
    const s = await serve();
    const local: TestEngine = await startEngine();
    cleanups.push(() => local.stop());
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-ws-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const ws = new Workspaces({ dir, tokens: new FileSecretStore(dir), local: local.engine });
    cleanups.push(() => ws.close());

    const ipc = fakeIpcMain();
    registerIpc(ipc, ws.active, createOwnFrameCheck(isOwnUrl));
    const sent: [string, unknown][] = [];
    const rec = recorder();
    relayPushes(
      ws.active,
      () => [
        {
          isDestroyed: () => false,
          getURL: () => OWN,
          send: (channel: string, payload: unknown) => {
            sent.push([channel, payload]);
            rec.push({ name: channel.slice(3), payload } as PushMessage);
          },
        },
      ],
      isOwnUrl,
    );
    const call = async (name: string, input: unknown) => {
      const r = (await ipc.call(`hs:${name}`, input, OWN)) as
        { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
      if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    };
    // Local's own pushes, heard directly, to know a delivery was pushed.
    const localRec = recorder();
    local.engine.subscribe(localRec.push);

    expect(await call('listWorkspaces', {})).toMatchObject({
      activeId: 'local',
      connection: 'local',
    });
    // Add the server (checked first), the token kept out of workspaces.json.
    const added = (await call('addWorkspace', {
      name: 'Team',
      url: s.apiUrl + '/',
      token: TOKEN,
    })) as WorkspaceState;
    const team = added.workspaces.find((w) => w.name === 'Team')!;
    expect(team).toMatchObject({ kind: 'server', url: s.apiUrl, hasCa: false });
    expect(readFileSync(join(dir, 'workspaces.json'), 'utf8')).not.toContain(TOKEN);
    expect(windowTitle(team)).toBe(`Hookscope — Team (${new URL(s.apiUrl).host})`);
    expect(windowTitle(added.workspaces[0]!)).toBe('Hookscope — Local');

    // Bad input to a shell command: the contract's message in words.
    await expect(call('addWorkspace', { name: 'X', url: 'ftp://x', token: 't' })).rejects.toThrow(
      /Server address: an http:\/\/ or https:\/\/ address/,
    );

    // Switch: the window is told, then sees the server's log.
    await call('switchWorkspace', { id: team.id });
    await rec.until(
      () =>
        sent.some(
          ([c, p]) => c === 'hs:workspace.changed' && (p as WorkspaceState).connection === 'online',
        ),
      'online on the server',
    );
    expect(((await call('getStatus', {})) as { receiverUrl: string }).receiverUrl).toBe(
      s.receiverUrl,
    );
    await post(local.receiverUrl, '/local-while-remote');
    await localRec.until(
      () => localRec.paths().includes('/local-while-remote'),
      'local engine pushed',
    );
    await post(s.receiverUrl, '/remote-1');
    await rec.until(() => rec.paths().includes('/remote-1'), 'the server’s push relayed');
    expect(rec.paths()).not.toContain('/local-while-remote');

    // Back to Local: the server's stream stops, local pushes flow again.
    await call('switchWorkspace', { id: 'local' });
    expect(((await call('getStatus', {})) as { receiverUrl: string }).receiverUrl).toBe(
      local.receiverUrl,
    );
    await post(local.receiverUrl, '/local-again');
    await rec.until(() => rec.paths().includes('/local-again'), 'local push relayed');
    // A stream of our own on the server shows its push went out; the window must not get it.
    const sse = await SseClient.connect(`${s.apiUrl}/api/stream`, {
      Authorization: `Bearer ${TOKEN}`,
    });
    cleanups.push(() => sse.close());
    await post(s.receiverUrl, '/remote-2');
    await sse.until((c) => c.eventIds.length > 0);
    expect(rec.paths()).not.toContain('/remote-2');

    // The choice is remembered; a new Workspaces opens it again.
    await call('switchWorkspace', { id: team.id });
    ws.close();
    const again = new Workspaces({ dir, tokens: new FileSecretStore(dir), local: local.engine });
    cleanups.push(() => again.close());
    expect((await again.restore()).activeId).toBe(team.id);

    // Removing the active server goes back to Local and forgets its token.
    const after = await again.remove(team.id);
    expect(after).toMatchObject({ activeId: 'local', connection: 'local' });
    expect(new FileSecretStore(dir).get(team.id)).toEqual([]);
  });
});

/**
 * An HTTPS reverse proxy in front of `apiUrl` with a self-signed certificate for 127.0.0.1
 * made now with openssl (as a team server behind TLS would be); it passes the loopback Host
 * the server expects.
 */
async function tlsProxy(apiUrl: string): Promise<{ url: string; cert: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hookscope-tls-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const target = new URL(apiUrl);
  const server: HttpsServer = createHttpsServer(
    { key: readFileSync(join(dir, 'key.pem')), cert },
    (req, res) => {
      const up = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, cert };
}
