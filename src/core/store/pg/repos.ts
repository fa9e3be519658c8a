import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Checkup, CheckupSummary, ProbeResult } from '../../../shared/checkup';
import type { ParsedInput } from '../../../shared/contract';
import type { Endpoint, Settings, SettingsView } from '../../../shared/model';
import { CHECKUPS_KEPT } from '../checkup-store';
import {
  defaultEndpointRow,
  EndpointSnapshot,
  pathClash,
  type EndpointRow,
} from '../endpoint-snapshot';
import type { CheckupRepo, MetaRepo } from '../ports';
import { readStoredSettings, SettingsSnapshot } from '../settings-snapshot';
import type { Bell } from './bell';
import { transaction } from './db';
import type { PgSecretStore } from './secret-store';

/**
 * The endpoints, settings, check-ups and meta values on PostgreSQL (docs/ARCHITECTURE.md §7).
 * Reads answer from snapshots in memory; a write commits (with a ring of the bell in its
 * transaction), then updates the snapshot and tells listeners; another instance's write
 * reaches this one through the bell (or the periodic re-read) and is read back whole.
 */

/** Runs one task at a time: writes and re-reads of a snapshot never interleave. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** A row changed since this instance read it: the save is re-checked on the fresh snapshot. */
class Stale extends Error {}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown }).code === '23505';

const COLUMNS = `id, name, path, provider, tolerance_sec, forward_to, response, options,
  created_at, updated_at, rev`;

export class PgEndpointRepo extends EndpointSnapshot {
  private readonly serial = new Serial();
  /** Told in the saving transaction before secrets are written (search masks them: the log). */
  private secretsWillChange: (c: pg.PoolClient, secrets: readonly string[]) => Promise<void> = () =>
    Promise.resolve();

  /** See `secretsWillChange`: the log re-indexes search when a secret is new. */
  beforeSecretsChange(f: (c: pg.PoolClient, secrets: readonly string[]) => Promise<void>): void {
    this.secretsWillChange = f;
  }

  private constructor(
    private readonly pool: pg.Pool,
    private readonly store: PgSecretStore,
    private readonly bell: Bell,
  ) {
    super(store);
  }

  /** Makes the default endpoint when missing (once across instances) and reads them all. */
  static async open(pool: pg.Pool, store: PgSecretStore, bell: Bell): Promise<PgEndpointRepo> {
    const r = defaultEndpointRow(new Date().toISOString());
    await pool.query(
      `INSERT INTO endpoints (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING`,
      [
        r.id,
        r.name,
        r.path,
        r.provider,
        null,
        null,
        r.response,
        r.options,
        r.created_at,
        r.updated_at,
        1,
      ],
    );
    const repo = new PgEndpointRepo(pool, store, bell);
    await repo.read();
    bell.on('endpoints', () => void repo.refresh());
    bell.onResync(() => repo.refresh());
    return repo;
  }

  private async read(): Promise<string[]> {
    const rows = await this.pool.query<EndpointRow>(`SELECT ${COLUMNS} FROM endpoints`);
    await this.store.load(this.pool);
    return this.replaceAll(rows.rows);
  }

  /** Reads the endpoints again; tells listeners of each one that changed elsewhere. */
  refresh(): Promise<void> {
    return this.serial.run(async () => {
      for (const id of await this.read()) this.changed(id);
    });
  }

  /**
   * As SQLite's save (endpoint-snapshot.ts): checked on the snapshot, then written only if the
   * row is still at the version checked; when another instance moved it, the snapshot is read
   * again and the save checked again (a `conflict` saying what changed when `rev` was given).
   */
  save(input: ParsedInput<'saveEndpoint'>): Promise<Endpoint> {
    return this.serial.run(async () => {
      for (let attempt = 0; ; attempt++) {
        const existing = this.precheck(input);
        const id = existing?.id ?? randomUUID();
        const row = this.rowFor(input, existing, id, new Date().toISOString());
        try {
          await this.store.write(
            this.pool,
            async (c) => {
              const values = [
                row.id,
                row.name,
                row.path,
                row.provider,
                row.tolerance_sec,
                row.forward_to,
                row.response,
                row.options,
                row.created_at,
                row.updated_at,
                row.rev,
              ];
              if (existing) {
                const r = await c.query(
                  `UPDATE endpoints SET name = $2, path = $3, provider = $4, tolerance_sec = $5,
                   forward_to = $6, response = $7, options = $8, updated_at = $10, rev = $11
                   WHERE id = $1 AND rev = $11 - 1 AND $9::text IS NOT NULL`,
                  values,
                );
                if (!r.rowCount) throw new Stale();
              } else {
                await c.query(
                  `INSERT INTO endpoints (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
                  values,
                );
              }
              if (input.secrets !== undefined) await this.secretsWillChange(c, input.secrets);
              await this.bell.ring(c, 'endpoints');
            },
            () => {
              if (input.secrets !== undefined) this.secrets.set(id, input.secrets);
            },
          );
        } catch (err) {
          if (!(err instanceof Stale) && !isUniqueViolation(err)) throw err;
          for (const moved of await this.read()) this.changed(moved);
          if (attempt >= 3) throw isUniqueViolation(err) ? pathClash('another', input.path) : err;
          continue; // checked again on what is stored now
        }
        const moved = await this.read();
        for (const m of moved) if (m !== id) this.changed(m);
        this.changed(id);
        return this.get(id)!;
      }
    });
  }

  /** Counts `failNext` down here and in the database (the row's version stays). */
  takeSimulatedFailure(e: Endpoint, random: () => number = Math.random): number | null {
    return this.nextSimulatedFailure(e, random, (next) => {
      void this.pool
        .query(
          `UPDATE endpoints SET options = jsonb_set(options::jsonb, '{simulate}', $2::jsonb)::text
           WHERE id = $1`,
          [e.id, JSON.stringify(next)],
        )
        .catch(() => undefined); // the count in memory holds; the next one writes again
    });
  }

  delete(id: string): Promise<boolean> {
    return this.serial.run(async () => {
      const e = this.get(id);
      if (!e) return false;
      this.checkDelete(e);
      const gone = await this.store.write(
        this.pool,
        async (c) => {
          const r = await c.query('DELETE FROM endpoints WHERE id = $1', [id]);
          await this.bell.ring(c, 'endpoints');
          return (r.rowCount ?? 0) > 0;
        },
        () => this.secrets.delete(id),
      );
      for (const m of await this.read()) this.changed(m);
      return gone;
    });
  }
}

const readMeta = async (q: pg.Pool | pg.PoolClient, key: string): Promise<string | undefined> =>
  (await q.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])).rows[0]?.value;

export class PgSettingsRepo extends SettingsSnapshot {
  private readonly serial = new Serial();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly bell: Bell,
    value: string | undefined,
    rev: string | undefined,
    /** Told when another instance's save was read (the engine pushes it to UIs). */
    private readonly onRemote: (v: SettingsView) => void,
  ) {
    super(value, rev);
  }

  static async open(
    pool: pg.Pool,
    bell: Bell,
    onRemote: (v: SettingsView) => void = () => undefined,
  ): Promise<PgSettingsRepo> {
    // The row a save locks (FOR UPDATE) exists from the start.
    await pool.query(
      `INSERT INTO meta (key, value) VALUES ('settings_rev', '1') ON CONFLICT DO NOTHING`,
    );
    const repo = new PgSettingsRepo(
      pool,
      bell,
      await readMeta(pool, 'settings'),
      await readMeta(pool, 'settings_rev'),
      onRemote,
    );
    bell.on('settings', () => void repo.refresh());
    bell.onResync(() => repo.refresh());
    return repo;
  }

  refresh(): Promise<void> {
    return this.serial.run(async () => {
      const rev = Number(await readMeta(this.pool, 'settings_rev')) || 1;
      if (rev === this.rev) return;
      const value = await readMeta(this.pool, 'settings');
      this.applied(readStoredSettings(value, String(rev)).settings, rev);
      this.onRemote(this.view());
    });
  }

  /** As SQLite's (settings-snapshot.ts), against the stored version, read under its row lock. */
  save(patch: Partial<Settings>, basedOn?: number): Promise<SettingsView> {
    return this.serial.run(async () => {
      for (;;) {
        const { next, rev } = this.next(patch, basedOn);
        const ok = await transaction(this.pool, async (c) => {
          const r = await c.query<{ value: string }>(
            "SELECT value FROM meta WHERE key = 'settings_rev' FOR UPDATE",
          );
          if ((Number(r.rows[0]?.value) || 1) !== this.rev) return false;
          await c.query(
            `INSERT INTO meta (key, value) VALUES ('settings', $1), ('settings_rev', $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
            [JSON.stringify(next), String(rev)],
          );
          await this.bell.ring(c, 'settings', rev);
          return true;
        });
        if (ok) {
          this.applied(next, rev);
          return this.view();
        }
        // Saved elsewhere since this instance read it: read it, then check again.
        const value = await readMeta(this.pool, 'settings');
        const stored = Number(await readMeta(this.pool, 'settings_rev')) || 1;
        this.applied(readStoredSettings(value, String(stored)).settings, stored);
      }
    });
  }
}

export class PgMetaRepo implements MetaRepo {
  private values = new Map<string, string>();
  private readonly serial = new Serial();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly store: PgSecretStore,
    private readonly bell: Bell,
    private readonly onRemote: () => void,
  ) {}

  static async open(
    pool: pg.Pool,
    store: PgSecretStore,
    bell: Bell,
    onRemote: () => void = () => undefined,
  ): Promise<PgMetaRepo> {
    const repo = new PgMetaRepo(pool, store, bell, onRemote);
    await repo.read();
    bell.on('meta', () => void repo.refresh(true));
    bell.onResync(() => repo.refresh(false));
    return repo;
  }

  private async read(): Promise<boolean> {
    const rows = await this.pool.query<{ key: string; value: string }>(
      'SELECT key, value FROM meta',
    );
    const next = new Map(rows.rows.map((r) => [r.key, r.value]));
    const changed =
      next.size !== this.values.size || [...next].some(([k, v]) => this.values.get(k) !== v);
    this.values = next;
    return changed;
  }

  refresh(rung: boolean): Promise<void> {
    return this.serial.run(async () => {
      await this.store.load(this.pool);
      if ((await this.read()) || rung) this.onRemote();
    });
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  put(entries: Record<string, string>, alongside: () => void = () => undefined): Promise<void> {
    return this.serial.run(async () => {
      await this.store.write(
        this.pool,
        async (c) => {
          for (const [k, v] of Object.entries(entries)) {
            await c.query(
              'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2',
              [k, v],
            );
          }
          await this.bell.ring(c, 'meta');
        },
        alongside,
      );
      for (const [k, v] of Object.entries(entries)) this.values.set(k, v);
    });
  }
}

interface CheckupRow {
  summary: string;
  probes: string;
}

export class PgCheckupRepo implements CheckupRepo {
  constructor(private readonly pool: pg.Pool) {}

  async save(run: Checkup): Promise<void> {
    const { probes, ...summary } = run;
    await transaction(this.pool, async (c) => {
      await c.query(
        'INSERT INTO checkups (id, endpoint_id, started_at, summary, probes) VALUES ($1, $2, $3, $4, $5)',
        [run.id, run.endpointId, run.startedAt, JSON.stringify(summary), JSON.stringify(probes)],
      );
      await c.query(
        `DELETE FROM checkups WHERE endpoint_id IS NOT DISTINCT FROM $1 AND n NOT IN (
           SELECT n FROM checkups WHERE endpoint_id IS NOT DISTINCT FROM $1
           ORDER BY started_at DESC, n DESC LIMIT $2)`,
        [run.endpointId, CHECKUPS_KEPT],
      );
    });
  }

  async list(limit: number, endpointId?: string): Promise<CheckupSummary[]> {
    const r =
      endpointId === undefined
        ? await this.pool.query<CheckupRow>(
            'SELECT summary FROM checkups ORDER BY started_at DESC, n DESC LIMIT $1',
            [limit],
          )
        : await this.pool.query<CheckupRow>(
            'SELECT summary FROM checkups WHERE endpoint_id = $1 ORDER BY started_at DESC, n DESC LIMIT $2',
            [endpointId, limit],
          );
    return r.rows.map((row) => JSON.parse(row.summary) as CheckupSummary);
  }

  async get(id: string): Promise<Checkup | undefined> {
    const r = await this.pool.query<CheckupRow>(
      'SELECT summary, probes FROM checkups WHERE id = $1',
      [id],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return {
      ...(JSON.parse(row.summary) as CheckupSummary),
      probes: JSON.parse(row.probes) as ProbeResult[],
    };
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM checkups WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }
}
