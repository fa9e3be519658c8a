import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer } from '../../src/headless/api-server';
import { SignInLimiter } from '../../src/headless/sign-in-limit';
import { accessOf, commandNames } from '../../src/shared/contract';
import { startEngine, type TestEngine } from '../helpers/engine';

/**
 * People on the control API (issue 18): the local token works as before; a person's token
 * works for commands and the stream within their role, derived from each command's `access`
 * in the contract; a revoked token closes its streams at once and is refused after; failed
 * sign-ins are limited per address without slowing a token that works.
 */

const LOCAL = 'local-token-people';
let t: TestEngine;
let api: ApiServer;
let url: string;
let staticDir: string;
const tokens: Record<'admin' | 'member' | 'viewer', string> = { admin: '', member: '', viewer: '' };

async function post(
  base: string,
  name: string,
  token: string,
  body: unknown = {},
): Promise<{
  status: number;
  json: { error?: { code: string; message: string } } & Record<string, unknown>;
  headers: Headers;
}> {
  const res = await fetch(`${base}/api/${name}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never, headers: res.headers };
}

beforeAll(async () => {
  t = await startEngine();
  staticDir = mkdtempSync(join(tmpdir(), 'hookscope-people-'));
  api = new ApiServer(t.engine, LOCAL, staticDir);
  ({ url } = await api.listen(0));
  for (const role of ['admin', 'member', 'viewer'] as const) {
    const r = await post(url, 'addUser', LOCAL, { name: `${role}-1`, role });
    expect(r.status).toBe(200);
    tokens[role] = r.json.token as string;
  }
});
afterAll(async () => {
  await api.close();
  await t.stop();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('roles, derived from the contract', () => {
  it('for every command: a viewer gets 403 exactly when it is not read, a member when it is admin', async () => {
    // An input no command takes (an array): allowed commands answer 400 and do nothing.
    for (const name of commandNames) {
      const access = accessOf(name);
      for (const role of ['viewer', 'member', 'admin'] as const) {
        const r = await post(url, name, tokens[role], []);
        const forbidden =
          (role === 'viewer' && access !== 'read') || (role === 'member' && access === 'admin');
        expect([name, role, r.status]).toEqual([name, role, forbidden ? 403 : 400]);
        if (forbidden) {
          expect(r.json.error).toEqual({
            code: 'forbidden',
            message: expect.stringMatching(
              role === 'viewer'
                ? new RegExp(`^A viewer may only read: ${name} `)
                : new RegExp(`^A member may not manage people: ${name} manages people`),
            ) as unknown,
          });
        }
      }
      // The local token: everything, as before.
      expect([name, (await post(url, name, LOCAL, [])).status]).toEqual([name, 400]);
    }
  });

  it('a person reads with their token, and their stream works', async () => {
    const r = await post(url, 'getStatus', tokens.viewer);
    expect(r.status).toBe(200);
    const stream = await fetch(`${url}/api/stream`, {
      headers: { Authorization: `Bearer ${tokens.viewer}` },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    await stream.body?.cancel();
  });

  it('secrets are write-only for everyone, and nobody gets a token or its hash back', async () => {
    const canary = 'whsec_people_canary_0123456789';
    const saved = await post(url, 'saveEndpoint', tokens.member, {
      name: 'Stripe',
      path: '/stripe-people',
      provider: 'stripe',
      secrets: [canary],
    });
    expect(saved.status).toBe(200);
    for (const role of ['viewer', 'member', 'admin'] as const) {
      for (const name of ['listEndpoints', 'getStatus', 'getTunnelSettings', 'getSettings']) {
        const r = await post(url, name, tokens[role]);
        expect(r.status).toBe(200);
        expect(JSON.stringify(r.json)).not.toContain(canary);
      }
    }
    const people = JSON.stringify((await post(url, 'listUsers', tokens.admin)).json);
    expect(people).not.toContain('scrypt');
    for (const token of Object.values(tokens)) expect(people).not.toContain(token.slice(-20));
  });
});

describe('revoking', () => {
  it("closes the person's open streams at once; their next command is 401", async () => {
    const added = await post(url, 'addUser', tokens.admin, { name: 'leaving', role: 'viewer' });
    const token = added.json.token as string;
    const stream = await fetch(`${url}/api/stream`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(stream.status).toBe(200);
    const other = await fetch(`${url}/api/stream`, {
      headers: { Authorization: `Bearer ${tokens.viewer}` },
    });
    const reader = stream.body!.getReader();
    await reader.read(); // the stream's first bytes: it is attached
    expect((await post(url, 'revokeUser', tokens.admin, { name: 'leaving' })).status).toBe(200);
    // The server ends it (no timeout here: the read resolves done, or the test times out).
    for (;;) if ((await reader.read()).done) break;
    const next = await post(url, 'getStatus', token);
    expect(next.status).toBe(401);
    expect(next.json.error?.message).toBe('missing, wrong or revoked bearer token');
    // Another person's stream stays.
    expect(other.status).toBe(200);
    await other.body?.cancel();
  });

  it('says in words who cannot be added or revoked', async () => {
    const dup = await post(url, 'addUser', tokens.admin, { name: 'VIEWER-1' });
    expect([dup.status, dup.json.error?.message]).toEqual([
      409,
      'There is already a person named "VIEWER-1": pick another name, or revoke theirs first (hookscope users revoke VIEWER-1).',
    ]);
    const role = await post(url, 'addUser', tokens.admin, { name: 'x', role: 'owner' });
    expect([role.status, role.json.error?.message]).toEqual([
      400,
      'Role: must be admin, member or viewer',
    ]);
    const nobody = await post(url, 'revokeUser', tokens.admin, { name: 'nobody' });
    expect(nobody.status).toBe(404);
    expect(nobody.json.error?.message).toContain('Nobody named "nobody" has a working token');
  });
});

describe('failed sign-ins', () => {
  it('are limited per address (429, Retry-After) while tokens that work keep working', async () => {
    let now = 1_000_000;
    const limited = new ApiServer(t.engine, LOCAL, staticDir, {
      signIns: new SignInLimiter({ burst: 3, perMinute: 10 }, () => now),
    });
    const base = (await limited.listen(0)).url;
    try {
      expect((await post(base, 'getStatus', tokens.member)).status).toBe(200); // checked once
      const fresh = (await post(url, 'addUser', LOCAL, { name: 'late', role: 'viewer' })).json
        .token as string;
      const wrong = tokens.member.slice(0, -3) + (tokens.member.endsWith('AAA') ? 'BBB' : 'AAA');
      for (let i = 0; i < 3; i++) expect((await post(base, 'getStatus', wrong)).status).toBe(401);
      const refused = await post(base, 'getStatus', wrong);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('6');
      expect(refused.json.error?.message).toBe(
        'too many failed sign-ins from this address: try again in 6 s',
      );
      expect((await post(base, 'getStatus', 'hs_nothing')).status).toBe(429);
      // Not slowed: the local token and a token this process already checked.
      expect((await post(base, 'getStatus', LOCAL)).status).toBe(200);
      expect((await post(base, 'getStatus', tokens.member)).status).toBe(200);
      // A token never checked here waits with the rest of its address (its check is the slow hash).
      expect((await post(base, 'getStatus', fresh)).status).toBe(429);
      now += 6_000;
      expect((await post(base, 'getStatus', fresh)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('who did what', () => {
  it("an endpoint saved, a replay sent and a listener's attempt reported by a person name them; a local save does not", async () => {
    const saved = await post(url, 'saveEndpoint', tokens.member, { name: 'Orders', path: '/who' });
    expect(saved.status).toBe(200);
    expect(saved.json.updatedBy).toBe('member-1');
    const again = await post(url, 'saveEndpoint', LOCAL, {
      id: saved.json.id,
      name: 'Orders (local)',
      path: '/who',
    });
    expect(again.json.updatedBy).toBeUndefined();

    const target = await new Promise<{ url: string; close: () => void }>((resolve) => {
      const srv = createServer((_req, res) => res.end('ok'));
      srv.listen(0, '127.0.0.1', () =>
        resolve({
          url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/app`,
          close: () => srv.close(),
        }),
      );
    });
    try {
      expect((await fetch(`${t.receiverUrl}/who/1`, { method: 'POST', body: '{}' })).status).toBe(
        200,
      );
      const list = await post(url, 'listEvents', LOCAL, { limit: 1 });
      const id = (list.json.items as { id: string }[])[0]!.id;
      const replay = await post(url, 'replayEvent', tokens.admin, { id, targetUrl: target.url });
      expect(replay.status).toBe(200);
      expect(replay.json.by).toBe('admin-1');
      const reported = await post(url, 'recordListenerAttempt', tokens.member, {
        eventId: id,
        by: 'laptop',
        targetUrl: 'http://localhost:3000/hooks',
        status: 200,
        error: null,
        durationMs: 3,
        attempt: 1,
      });
      expect(reported.status).toBe(200);
      expect(reported.json.by).toBe('member-1 (laptop)');
      const detail = await post(url, 'getEvent', tokens.viewer, { id });
      const attempts = detail.json.forwards as { kind: string; by?: string }[];
      expect(attempts.map((a) => [a.kind, a.by])).toEqual(
        expect.arrayContaining([
          ['replay', 'admin-1'],
          ['listener', 'member-1 (laptop)'],
        ]),
      );
    } finally {
      target.close();
    }
  });
});
