import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tunnelLine } from '../../src/headless/tunnel-output';
import { SseClient } from '../helpers/sse';
import { startServe, type ServeProcess } from '../helpers/serve-process';

/** A fresh home for the child, so the developer's own ngrok.yml is never read. */
function isolatedHome(): { env: NodeJS.ProcessEnv; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'hookscope-home-'));
  return {
    env: {
      HOME: home,
      USERPROFILE: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      NGROK_AUTHTOKEN: '',
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

type Line = Record<string, unknown>;

/** Resolves with the first printed line (after ready) that `pred` accepts; no polling. */
function waitForLine(
  s: ServeProcess,
  pred: (l: Line) => boolean,
  timeoutMs = 10_000,
): Promise<Line> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const hit = s.lines.find(pred);
      if (!hit) return false;
      clearTimeout(timer);
      s.child.stdout!.off('data', onData);
      resolve(hit);
      return true;
    };
    const onData = (): void => void setImmediate(check);
    const timer = setTimeout(() => {
      s.child.stdout!.off('data', onData);
      reject(new Error(`no such line within ${timeoutMs} ms; got ${JSON.stringify(s.lines)}`));
    }, timeoutMs);
    s.child.stdout!.on('data', onData);
    check();
  });
}

async function post(url: string, path: string): Promise<number> {
  return (await fetch(`${url}${path}`, { method: 'POST', body: '{"tunnel":"test"}' })).status;
}

describe('tunnel options are checked before connecting (HTTP API)', () => {
  let s: ServeProcess;
  let home: ReturnType<typeof isolatedHome>;
  beforeAll(async () => {
    home = isolatedHome();
    s = await startServe({ env: home.env });
  });
  afterAll(async () => {
    await s.dispose();
    home.cleanup();
  });

  it.each([
    ['a bad CIDR', { allowCidrs: ['10.0.0.0/40'] }, 'must be a CIDR range'],
    ['a CIDR with host bits', { denyCidrs: ['10.1.2.3/8'] }, 'the range is 10.0.0.0/8'],
    ['a bad domain', { domain: 'https://me.ngrok.app/x' }, 'must be a host name'],
    ['basic auth without a colon', { basicAuth: 'alice' }, 'must be user:password'],
    ['a short basic auth password', { basicAuth: 'alice:short' }, 'must be 8 to 128 characters'],
  ])('answers 400 to %s', async (_name, options, message) => {
    for (const command of ['saveTunnelSettings', 'startTunnel']) {
      const res = await s.api(command, { options });
      expect(res.status, command).toBe(400);
      const body = (await res.json()) as {
        error: { code: string; message: string; issues?: unknown };
      };
      expect(body.error.code).toBe('bad_input');
      expect(JSON.stringify(body.error)).toContain(message);
    }
    const status = (await (await s.api('getStatus')).json()) as { tunnel: unknown };
    expect(status.tunnel).toEqual({ state: 'off' });
    expect(await (await s.api('getTunnelSettings')).json()).toMatchObject({ options: {} });
  });
});

describe('hookscope serve --tunnel with the real ngrok SDK (ngrok is unreachable here)', () => {
  it('reaches the error state within seconds, says why, and keeps receiving', async () => {
    const token = 'dummy-authtoken-3b9f0e2c77';
    const home = isolatedHome();
    const s = await startServe({
      args: ['--tunnel'],
      env: { ...home.env, NGROK_AUTHTOKEN: token },
    });
    try {
      expect(await post(s.receiverUrl, '/before')).toBe(200);
      const err = await waitForLine(s, (l) => l.event === 'tunnel' && l.state === 'error');
      expect(err.message).toMatch(/ngrok/);
      expect(err.hint).toEqual(expect.any(String));
      expect(err.authtokenSource).toBe('env');
      expect(s.lines.filter((l) => l.event === 'tunnel').map((l) => l.state)).toEqual([
        'connecting',
        'error',
      ]);
      expect(await post(s.receiverUrl, '/after')).toBe(200);
      const status = (await (await s.api('getStatus')).json()) as { tunnel: { state: string } };
      expect(status.tunnel).toEqual(
        Object.fromEntries(Object.entries(err).filter(([k]) => k !== 'event')),
      );
      const list = (await (await s.api('listEvents', {})).json()) as { items: { path: string }[] };
      expect(list.items.map((e) => e.path)).toEqual(['/after', '/before']);
    } finally {
      const { code, stderr } = await s.stop();
      expect(code).toBe(0);
      expect(JSON.stringify(s.lines) + stderr).not.toContain(token);
      await s.dispose();
      home.cleanup();
    }
  });

  it('with no authtoken anywhere, says how to get one', async () => {
    const home = isolatedHome();
    const s = await startServe({ args: ['--tunnel'], env: home.env });
    try {
      const err = await waitForLine(s, (l) => l.event === 'tunnel' && l.state === 'error');
      expect(err.message).toBe('no ngrok authtoken');
      expect(err.hint).toContain('https://dashboard.ngrok.com/get-started/your-authtoken');
      expect(await post(s.receiverUrl, '/still-here')).toBe(200);
    } finally {
      await s.dispose();
      home.cleanup();
    }
  });

  it('uses a saved authtoken, pushes the states over SSE, and never shows or logs the token', async () => {
    const token = 'saved-dummy-authtoken-a81d4f';
    const home = isolatedHome();
    const s = await startServe({ env: home.env });
    try {
      const saved = await (await s.api('saveTunnelSettings', { authtoken: token })).json();
      expect(saved).toEqual({
        options: {},
        rev: 2,
        authtoken: { source: 'settings', configured: true },
      });
      const sse = await SseClient.connect(`${s.apiUrl}/api/stream`, {
        Authorization: `Bearer ${s.token}`,
      });
      const started = (await (await s.api('startTunnel', {})).json()) as Record<string, unknown>;
      expect(started).toMatchObject({ state: 'error', authtokenSource: 'settings' });
      await sse.until((c) =>
        c.messages.some((m) => m.event === 'tunnel.state' && (m.data as Line).state === 'error'),
      );
      expect(
        sse.messages.filter((m) => m.event === 'tunnel.state').map((m) => (m.data as Line).state),
      ).toEqual(['connecting', 'error']);
      const settings = await (await s.api('getTunnelSettings')).json();
      expect(await post(s.receiverUrl, '/x')).toBe(200);
      sse.close();
      const { stderr } = await s.stop();
      const shown = JSON.stringify([saved, started, settings, sse.messages, s.lines]) + stderr;
      expect(shown).not.toContain(token);
      for (const name of readdirSync(s.dataDir)) {
        if (name === 'secrets.json') continue;
        expect(readFileSync(join(s.dataDir, name)).toString('latin1'), name).not.toContain(token);
      }
      expect(readFileSync(join(s.dataDir, 'secrets.json'), 'utf8')).toContain(token);
    } finally {
      await s.dispose();
      home.cleanup();
    }
  });
});

describe('human tunnel lines', () => {
  const receiver = 'http://127.0.0.1:7700';
  it('show the public URL, the authtoken source and what to do, never more', () => {
    expect(tunnelLine({ state: 'connecting', authtokenSource: 'env' }, receiver)).toBe(
      'Tunnel      connecting to ngrok (authtoken from NGROK_AUTHTOKEN)…',
    );
    expect(tunnelLine({ state: 'online', publicUrl: 'https://a.ngrok.app' }, receiver)).toContain(
      'Public URL  https://a.ngrok.app   (forwards to the receiver only; the UI stays local)',
    );
    expect(
      tunnelLine(
        {
          state: 'error',
          message: 'ngrok refused the authtoken: bad',
          errorCode: 'ERR_NGROK_107',
          hint: 'copy your current authtoken',
          authtokenSource: 'settings',
        },
        receiver,
      ).split('\n'),
    ).toEqual([
      'Tunnel      error: ngrok refused the authtoken: bad [ERR_NGROK_107] (authtoken saved in Hookscope)',
      '            → copy your current authtoken',
      '            Webhooks sent to http://127.0.0.1:7700 are still received.',
    ]);
  });
});
