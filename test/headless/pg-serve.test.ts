/**
 * `hookscope serve --database`: real serve processes sharing one PostgreSQL database
 * (docs/ARCHITECTURE.md §7), as a team runs them: what one is told, the other applies; a
 * delivery stored by one shows live on the other; a delivery id posted to both at once is
 * one first and one duplicate. And the start failures a user can fix, in one line.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePg } from '../helpers/postgres';
import { SseClient } from '../helpers/sse';
import { failedServeStart, startServe, type ServeProcess } from '../helpers/serve-process';

const KEY = randomBytes(32).toString('base64');

interface Summary {
  id: string;
  path: string;
  idempotency: { duplicateOf: string | null; deliveryId: string | null };
}

describePg('serve --database: two instances as one', (db) => {
  let a: ServeProcess;
  let b: ServeProcess;
  beforeAll(async () => {
    const env = { HOOKSCOPE_SECRET_KEY: KEY };
    // Started at once: the migrations run once, under their advisory lock.
    [a, b] = await Promise.all([
      startServe({ args: ['--database', db.url], env }),
      startServe({ env: { ...env, HOOKSCOPE_DATABASE_URL: db.url } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
  });

  const call = async <T>(s: ServeProcess, name: string, input: unknown): Promise<T> => {
    const res = await s.api(name, input);
    const body = (await res.json()) as T;
    if (!res.ok) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const post = (
    s: ServeProcess,
    path: string,
    body: string,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${s.receiverUrl}${path}`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', ...headers },
    });

  it('an endpoint saved through A applies on B', async () => {
    await call(a, 'saveEndpoint', {
      name: 'Orders',
      path: '/orders',
      response: { status: 202, headers: [['X-Team', 'orders']], body: 'queued' },
    });
    // B answers per the endpoint once its bell (or its periodic re-read) brought it.
    await expect
      .poll(async () => (await post(b, '/orders/new', '{"n":1}')).status, { timeout: 15_000 })
      .toBe(202);
    const res = await post(b, '/orders/new', '{"n":2}');
    expect(res.headers.get('x-team')).toBe('orders');
    expect(await res.text()).toBe('queued');
  });

  it("a delivery posted to B shows in A's listEvents and on A's SSE stream", async () => {
    const sse = await SseClient.connect(`${a.apiUrl}/api/stream`, {
      Authorization: `Bearer ${a.token}`,
    });
    try {
      expect(sse.status).toBe(200);
      const key = `team-${randomBytes(6).toString('hex')}`;
      expect((await post(b, '/live', '{"hello":"team"}', { 'Idempotency-Key': key })).ok).toBe(
        true,
      );
      const listed = await call<{ items: Summary[] }>(b, 'listEvents', { limit: 50 });
      // Its id as B stored it (B's own answer says nothing about A).
      const mine = listed.items.find((i) => i.idempotency.deliveryId === key)!;
      expect(mine).toBeDefined();
      await sse.until((c) => c.eventIds.includes(mine.id), 15_000);
      const onA = await call<{ items: Summary[] }>(a, 'listEvents', { limit: 50 });
      expect(onA.items.map((i) => i.id)).toContain(mine.id);
    } finally {
      sse.close();
    }
  });

  it('the same delivery id posted to A and B at once: one first, one duplicate', async () => {
    const key = `dup-${randomBytes(6).toString('hex')}`;
    const body = JSON.stringify({ id: key });
    const answers = await Promise.all([
      post(a, '/dups', body, { 'Idempotency-Key': key }),
      post(b, '/dups', body, { 'Idempotency-Key': key }),
    ]);
    expect(answers.every((r) => r.ok)).toBe(true);
    const listed = await call<{ items: Summary[] }>(a, 'listEvents', {
      limit: 50,
    });
    const both = listed.items.filter((i) => i.path === '/dups');
    expect(both).toHaveLength(2);
    const firsts = both.filter((i) => i.idempotency.duplicateOf === null);
    expect(firsts).toHaveLength(1);
    expect(both.find((i) => i.idempotency.duplicateOf !== null)!.idempotency.duplicateOf).toBe(
      firsts[0]!.id,
    );
  });
});

describePg('serve --database: deletions and tunnel settings reach the other instance', (db) => {
  let a: ServeProcess;
  let b: ServeProcess;
  beforeAll(async () => {
    const env = { HOOKSCOPE_SECRET_KEY: KEY };
    [a, b] = await Promise.all([
      startServe({ args: ['--database', db.url], env }),
      startServe({ args: ['--database', db.url], env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
  });
  const call = async <T>(s: ServeProcess, name: string, input: unknown): Promise<T> => {
    const res = await s.api(name, input);
    const body = (await res.json()) as T;
    if (!res.ok) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const streamOf = (s: ServeProcess) =>
    SseClient.connect(`${s.apiUrl}/api/stream`, { Authorization: `Bearer ${s.token}` });
  const deletions = (c: SseClient) =>
    c.messages
      .filter((m) => m.event === 'events.deleted')
      .map((m) => m.data as { ids: string[]; all: boolean });

  it("events deleted through B leave A's stream (events.deleted), then a clear", async () => {
    const sse = await streamOf(a);
    try {
      const ids: string[] = [];
      for (const n of [1, 2, 3]) {
        const res = await fetch(`${b.receiverUrl}/del/${n}`, { method: 'POST', body: `${n}` });
        expect(res.ok).toBe(true);
      }
      const listed = await call<{ items: Summary[] }>(b, 'listEvents', { limit: 50 });
      ids.push(...listed.items.filter((i) => i.path.startsWith('/del/')).map((i) => i.id));
      expect(ids).toHaveLength(3);
      await sse.until((c) => ids.every((id) => c.eventIds.includes(id)), 15_000);

      expect(await call(b, 'deleteEvents', { ids: ids.slice(0, 2) })).toEqual({ deleted: 2 });
      await sse.until(
        (c) =>
          deletions(c).some((d) => !d.all && ids.slice(0, 2).every((id) => d.ids.includes(id))),
        15_000,
      );
      const left = await call<{ items: Summary[] }>(a, 'listEvents', { limit: 50 });
      expect(left.items.map((i) => i.id)).toEqual([ids[2]]);

      await call(b, 'deleteEvents', { all: true });
      await sse.until((c) => deletions(c).some((d) => d.all), 15_000);
      expect((await call<{ items: Summary[] }>(a, 'listEvents', { limit: 50 })).items).toEqual([]);
    } finally {
      sse.close();
    }
  });

  it("tunnel settings saved through B show on A's stream and in A's getTunnelSettings", async () => {
    const sse = await streamOf(a);
    try {
      await call(b, 'saveTunnelSettings', { options: { allowCidrs: ['10.1.0.0/16'] } });
      await sse.until(
        (c) =>
          c.messages.some(
            (m) =>
              m.event === 'tunnelSettings.changed' &&
              JSON.stringify((m.data as { options: unknown }).options).includes('10.1.0.0/16'),
          ),
        15_000,
      );
      const onA = await call<{ options: { allowCidrs?: string[] } }>(a, 'getTunnelSettings', {});
      expect(onA.options.allowCidrs).toEqual(['10.1.0.0/16']);
    } finally {
      sse.close();
    }
  });
});

describePg('serve --database: a write the database refuses', (db) => {
  it("says what the database answered, in serve's output and getStatus, not a full disk", async () => {
    const s = await startServe({
      args: ['--database', db.url],
      env: { HOOKSCOPE_SECRET_KEY: KEY },
    });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      expect((await fetch(`${s.receiverUrl}/before`, { method: 'POST', body: '1' })).status).toBe(
        200,
      );
      // What a DBA's rule would do: the server refuses every new event, with its reason.
      await admin.query(`CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'events are frozen for maintenance'; END $$`);
      await admin.query(`CREATE TRIGGER refuse BEFORE INSERT ON events
        FOR EACH ROW EXECUTE FUNCTION refuse_events()`);
      expect((await fetch(`${s.receiverUrl}/during`, { method: 'POST', body: '2' })).status).toBe(
        503,
      );
      await expect
        .poll(() => s.lines.find((l) => l.event === 'store_failed'), { timeout: 10_000 })
        .toBeDefined();
      const said = String(s.lines.find((l) => l.event === 'store_failed')!.message);
      expect(said).toMatch(
        /^the database refused the write \("events are frozen for maintenance"\): a write failed while storing a delivery\..*check the PostgreSQL server \(its log says more\)\.$/,
      );
      expect(said).not.toMatch(/disk/);
      const status = (await (await s.api('getStatus', {})).json()) as {
        health: { storeError: string | null };
      };
      expect(JSON.stringify(status)).toContain('events are frozen for maintenance');

      await admin.query('DROP TRIGGER refuse ON events');
      expect((await fetch(`${s.receiverUrl}/after`, { method: 'POST', body: '3' })).status).toBe(
        200,
      );
      await expect
        .poll(() => s.lines.some((l) => l.event === 'store_recovered'), { timeout: 10_000 })
        .toBe(true);
    } finally {
      await admin.end();
      await s.dispose();
    }
  });
});

describePg('serve --database: start failures', (db) => {
  it('without HOOKSCOPE_SECRET_KEY it stops, saying how to make one', async () => {
    const { code, out } = await failedServeStart(['--database', db.url], {});
    expect(code).toBe(1);
    expect(out).toMatch(
      /HOOKSCOPE_SECRET_KEY is not set\..*`openssl rand -base64 32`.*the same key/,
    );
    expect(out).not.toMatch(/\n\s+at /); // no stack
  });

  it('with another key than the database was started with, it says so', async () => {
    // The first instance (the suite above, or this one) wrote the key check under KEY.
    const first = await startServe({
      args: ['--database', db.url],
      env: { HOOKSCOPE_SECRET_KEY: KEY },
    });
    await first.dispose();
    const { code, out } = await failedServeStart(['--database', db.url], {
      HOOKSCOPE_SECRET_KEY: randomBytes(32).toString('base64'),
    });
    expect(code).toBe(1);
    expect(out).toMatch(/is not the key this database's secrets were encrypted with/);
  });

  it('a bad URL and an unreachable server: one line each, exit code 1', async () => {
    const bad = await failedServeStart(['--database', 'not a url'], { HOOKSCOPE_SECRET_KEY: KEY });
    expect(bad.code).toBe(1);
    expect(bad.out.trim()).toMatch(
      /^hookscope: The database URL "not a url" is not a PostgreSQL URL: write it like postgres:\/\/user:password@host:5432\/hookscope$/,
    );
    const gone = await failedServeStart([], {
      HOOKSCOPE_SECRET_KEY: KEY,
      HOOKSCOPE_DATABASE_URL: 'postgres://hookscope@127.0.0.1:1/hookscope',
    });
    expect(gone.code).toBe(1);
    expect(gone.out).toMatch(
      /Could not reach the PostgreSQL server at 127\.0\.0\.1:1 \(ECONNREFUSED\)/,
    );
  });
});
