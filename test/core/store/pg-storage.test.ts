/**
 * The whole storage on PostgreSQL (openPgStorage), two instances on one database as two
 * processes would have them: another instance's writes reach the snapshots, revision checks
 * refuse what SQLite refuses, and the secrets are stored encrypted under the key.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { HookscopeError } from '../../../src/shared/errors';
import { openPgStorage, type PgStorage } from '../../../src/core/store/pg/storage';
import { appendTo } from '../../helpers/append';
import { delivery } from '../../helpers/events';
import { describePg } from '../../helpers/postgres';

const KEY = randomBytes(32).toString('base64');

describePg('PostgreSQL storage, two instances', (db) => {
  const opened: PgStorage[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  let schema = '';
  const open = async (key = KEY, fresh = false): Promise<PgStorage> => {
    if (fresh || !schema) schema = `hs_${randomBytes(5).toString('hex')}`;
    const s = await openPgStorage({ url: db.url, schema, clock: Date.now, secretKey: key });
    opened.push(s);
    return s;
  };

  it('an endpoint saved through one instance applies on the other, secrets included', async () => {
    const a = await open(KEY, true);
    const b = await open();
    const seen: string[] = [];
    b.endpoints.onChange((id) => seen.push(id));
    const saved = await a.endpoints.save({
      name: 'Orders',
      path: '/orders',
      secrets: ['whsec_one'],
    } as never);
    await expect.poll(() => b.endpoints.match('/orders/x').id, { timeout: 10_000 }).toBe(saved.id);
    expect(b.endpoints.secretsOf(saved.id)).toEqual(['whsec_one']);
    expect(b.endpoints.get(saved.id)?.secretCount).toBe(1);
    expect(seen).toContain(saved.id);
    // The secret is in the database only encrypted.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const rows = await c.query(`SELECT key, value::text AS v FROM ${schema}.secrets`);
      expect(rows.rows.map((r: { key: string }) => r.key)).toContain(saved.id);
      expect(JSON.stringify(rows.rows)).not.toContain('whsec_one');
    } finally {
      await c.end();
    }
  });

  it('a save based on a version another instance replaced is refused, saying what changed', async () => {
    const a = await open(KEY, true);
    const b = await open();
    const e = await a.endpoints.save({ name: 'Orders', path: '/orders' } as never);
    await expect.poll(() => b.endpoints.get(e.id)?.rev, { timeout: 10_000 }).toBe(1);
    await a.endpoints.save({
      id: e.id,
      rev: 1,
      name: 'Orders',
      path: '/orders',
      forwardTo: 'http://127.0.0.1:9/x',
    } as never);
    // B has not read A's change yet, or has: either way its save on version 1 is refused.
    const refused = await b.endpoints
      .save({ id: e.id, rev: 1, name: 'Mine', path: '/orders' } as never)
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HookscopeError);
    expect((refused as HookscopeError).code).toBe('conflict');
    expect((refused as Error).message).toMatch(
      /^Forward target was changed elsewhere to http:\/\/127\.0\.0\.1:9\/x/,
    );
    expect(b.endpoints.get(e.id)?.rev).toBe(2);
    // A path another instance took in the meantime is refused as on SQLite.
    await a.endpoints.save({ name: 'Refunds', path: '/refunds' } as never);
    const clash = await b.endpoints
      .save({ name: 'Also refunds', path: '/refunds' } as never)
      .catch((err: unknown) => err);
    expect((clash as HookscopeError).code).toBe('conflict');
    expect((clash as Error).message).toBe('endpoint "Refunds" already uses /refunds');
  });

  it("settings: another instance's save is read back; a save on the old version is refused", async () => {
    const a = await open(KEY, true);
    const b = await open();
    const pushed: number[] = [];
    b.onSettingsChange((v) => pushed.push(v.rev));
    const base = a.settings.view().rev;
    await a.settings.save({ forwarding: { ...a.settings.get().forwarding, maxAttempts: 3 } }, base);
    const refused = await b.settings
      .save({ retention: { ...b.settings.get().retention, maxEvents: 10 } }, base)
      .catch((err: unknown) => err);
    expect((refused as HookscopeError).code).toBe('conflict');
    expect((refused as Error).message).toMatch(
      /^Attempts before the dead-letter list was changed elsewhere to 3/,
    );
    expect(b.settings.get().forwarding.maxAttempts).toBe(3);
    // Without a version: merged onto what is stored now.
    const saved = await b.settings.save({
      retention: { ...b.settings.get().retention, maxEvents: 10 },
    });
    expect(saved.forwarding.maxAttempts).toBe(3);
    await expect.poll(() => a.settings.get().retention.maxEvents, { timeout: 10_000 }).toBe(10);
  });

  it('meta values and tunnel secrets commit together and reach the other instance', async () => {
    const a = await open(KEY, true);
    const b = await open();
    await a.meta.put({ tunnel_rev: '2' }, () => a.secrets.set('__ngrok_authtoken', ['tok_1']));
    await expect.poll(() => b.meta.get('tunnel_rev'), { timeout: 10_000 }).toBe('2');
    expect(b.secrets.get('__ngrok_authtoken')).toEqual(['tok_1']);
    // What `alongside` throws writes nothing.
    await expect(
      a.meta.put({ tunnel_rev: '3' }, () => {
        a.secrets.set('__ngrok_authtoken', ['tok_2']);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(a.meta.get('tunnel_rev')).toBe('2');
    expect(a.secrets.get('__ngrok_authtoken')).toEqual(['tok_1']);
  });

  it('a missing, malformed or wrong HOOKSCOPE_SECRET_KEY stops the open, saying what to do', async () => {
    await open(KEY, true);
    await expect(
      openPgStorage({ url: db.url, schema, clock: Date.now, secretKey: undefined }),
    ).rejects.toThrow(/HOOKSCOPE_SECRET_KEY is not set.*openssl rand -base64 32.*same key/);
    await expect(
      openPgStorage({ url: db.url, schema, clock: Date.now, secretKey: 'c2hvcnQ=' }),
    ).rejects.toThrow(/must be 32 bytes written in base64 \(this one is 5 bytes\)/);
    await expect(
      openPgStorage({
        url: db.url,
        schema,
        clock: Date.now,
        secretKey: randomBytes(32).toString('base64'),
      }),
    ).rejects.toThrow(/is not the key this database's secrets were encrypted with/);
  });

  it("a bad URL and an unreachable server give one line in the user's words", async () => {
    await expect(
      openPgStorage({ url: 'mysql://x@y/z', clock: Date.now, secretKey: KEY }),
    ).rejects.toThrow(
      'The database URL "mysql://x@y/z" is not a PostgreSQL URL: write it like postgres://user:password@host:5432/hookscope',
    );
    const u = new URL(db.url);
    u.port = '1';
    u.hostname = '127.0.0.1';
    await expect(
      openPgStorage({ url: u.toString(), clock: Date.now, secretKey: KEY }),
    ).rejects.toThrow(/^Could not reach the PostgreSQL server at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it("deliveries appended by one instance reach the other's listeners", async () => {
    const a = await open(KEY, true);
    const b = await open();
    const got: string[] = [];
    a.events.onChange((items) => got.push(...items.map((i) => i.id)));
    const appended = await appendTo(b.events, delivery());
    await expect.poll(() => got, { timeout: 10_000 }).toContain(appended.id);
    expect(got.filter((id) => id === appended.id)).toHaveLength(1);
  });

  it("every change reaches an instance's listeners in rev order, its own after another's that committed first", async () => {
    const a = await open(KEY, true);
    const revs: number[] = [];
    a.events.onChange((items) => revs.push(...items.map((i) => i.rev)));
    const first = await appendTo(a.events, delivery());
    await expect.poll(() => revs, { timeout: 15_000 }).toContain(first.rev);
    revs.length = 0;
    // Another writer (an instance whose ring is late or lost) takes the next rev and commits
    // while this instance's append waits for the log's lock: that append's rev is higher.
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    try {
      await writer.query(`SET search_path = ${schema}`);
      await writer.query('BEGIN');
      const held = await writer.query<{ rev: string }>(
        'SELECT rev FROM log_state WHERE id = 1 FOR UPDATE',
      );
      const rev = Number(held.rows[0]!.rev) + 1;
      await writer.query(
        `INSERT INTO events SELECT * FROM jsonb_populate_record(NULL::events,
           (SELECT to_jsonb(e) || jsonb_build_object('seq', $1::bigint, 'rev', $1::bigint, 'id', 'other-1')
            FROM events e WHERE id = $2))`,
        [rev, first.id],
      );
      await writer.query('UPDATE log_state SET rev = $1 WHERE id = 1', [rev]);
      const mine = appendTo(a.events, delivery());
      let waiting = 0;
      while (waiting === 0) {
        const w = await writer.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        waiting = Number(w.rows[0]!.n);
      }
      await writer.query('COMMIT');
      const appended = await mine;
      await expect.poll(() => revs, { timeout: 15_000 }).toContain(appended.rev);
      // The other's change is told first: a client keeping the highest rev it saw (SSE's
      // Last-Event-ID, the UI) would skip it if it came after.
      expect(revs).toEqual([rev, appended.rev]);
    } finally {
      await writer.end();
    }
  });

  it("a retention pass on one instance reaches the other's deletion listeners, after the appends", async () => {
    const a = await open(KEY, true);
    const b = await open();
    const order: string[] = [];
    b.events.onChange((items) => order.push(...items.map((i) => `+${i.id}`)));
    b.onEventsDeleted((d) => order.push(...(d.all ? ['all'] : d.ids.map((id) => `-${id}`))));
    const first = await appendTo(a.events, delivery());
    const second = await appendTo(a.events, delivery());
    const gone = await a.events.deleteOldest({ keep: 1, limit: 100 });
    expect(gone).toEqual([first.id]);
    await expect.poll(() => order, { timeout: 10_000 }).toContain(`-${first.id}`);
    expect(order).toContain(`+${first.id}`);
    // Told after the delivery it removes, never before (a client would show a ghost row).
    expect(order.indexOf(`+${first.id}`)).toBeLessThan(order.indexOf(`-${first.id}`));
    expect(order).toContain(`+${second.id}`);
    expect(order).not.toContain(`-${second.id}`);
    // A clear is told as one: all.
    await a.events.deleteAll();
    await expect.poll(() => order, { timeout: 10_000 }).toContain('all');
  });

  it('one instance at a time holds the upkeep lock', async () => {
    const a = await open(KEY, true);
    const b = await open();
    expect(await a.exclusiveUpkeep()).toBe(true);
    expect(await b.exclusiveUpkeep()).toBe(false);
    await a.close();
    await expect.poll(() => b.exclusiveUpkeep(), { timeout: 10_000 }).toBe(true);
  });
});

describePg('PostgreSQL search after a secret is saved', (db) => {
  const opened: PgStorage[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  it('deliveries stored before are indexed again: the secret is not found, other words are', async () => {
    const schema = `hs_${randomBytes(5).toString('hex')}`;
    const a = await openPgStorage({ url: db.url, schema, clock: Date.now, secretKey: KEY });
    opened.push(a);
    const b = await openPgStorage({ url: db.url, schema, clock: Date.now, secretKey: KEY });
    opened.push(b);
    const token = `glpat${randomBytes(8).toString('hex')}`;
    const stored = [];
    for (let i = 0; i < 250; i++) {
      stored.push(
        await appendTo(
          a.events,
          delivery({
            path: '/gitlab',
            headers: [
              ['x-gitlab-token', token],
              ['x-note', `reindexword${i % 2}`],
            ],
          }),
        ),
      );
    }
    const search = async (s: PgStorage, query: string): Promise<number> =>
      (await s.events.list({ limit: 500, query })).items.length;
    expect(await search(b, token)).toBe(250);

    // Saved through A; searched through B (which learns of the secret by the bell).
    await a.endpoints.save({ name: 'GitLab', path: '/gitlab', secrets: [token] } as never);
    expect(await search(a, token)).toBe(0); // at once, before any row is indexed again
    expect(await search(a, token.slice(0, 10) + '*')).toBe(0);
    await expect.poll(() => search(b, token), { timeout: 10_000 }).toBe(0);
    // The pass ends (more than one chunk), and the rows hold no trace of the token.
    await expect
      .poll(() => a.events.reindexPending || b.events.reindexPending, {
        timeout: 20_000,
      })
      .toBe(false);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const left = await c.query(
        `SELECT count(*)::int AS n FROM ${schema}.search_docs WHERE headers LIKE $1`,
        [`%${token}%`],
      );
      expect(left.rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
    expect(await search(b, token)).toBe(0);
    expect(await search(b, 'reindexword1')).toBe(125);
  });
});
