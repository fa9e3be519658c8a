import type pg from 'pg';
import { RARE_INDEXES, rareCondition } from '../event-filters';
import { transaction } from './db';

/**
 * The PostgreSQL log's schema as numbered migrations, each applied once, in its own transaction,
 * under a transaction-level advisory lock: two processes starting at once on one database
 * apply each exactly once (the second waits, then finds it applied). Never edit an applied one;
 * add the next number. The tables and columns mean what SQLite's do (store/migrations.ts).
 */
export interface PgMigration {
  version: number;
  sql: string;
}

/** The counters' keys for a row `r` (as SQLite's migrations 16 and 19), NULL where none. */
const COUNTER_KEYS = (r: string): string =>
  [
    `'all'`,
    `'sig:' || ${r}.sig_status`,
    `'fwd:' || ${r}.forward_status`,
    `CASE WHEN ${r}.duplicate_of IS NOT NULL THEN 'dup' END`,
    `CASE WHEN ${r}.rejected IS NOT NULL THEN 'refused' END`,
    `'method:' || ${r}.method`,
    `'type:' || coalesce(${r}.event_type, '')`,
  ]
    .map((k) => `(${k})`)
    .join(', ');

/** Each counter a set of rows (a transition table) adds `d` to. */
const counted = (rows: string, d: number): string =>
  `SELECT r.endpoint_id, k.key, ${d} AS d FROM ${rows} r
     CROSS JOIN LATERAL (VALUES ${COUNTER_KEYS('r')}) AS k (key) WHERE k.key IS NOT NULL`;

/** Adds the summed deltas of `source` to the counters (one row per counter, so no conflicts). */
const bump = (source: string): string => `
      INSERT INTO event_counts (endpoint_id, key, n)
        SELECT endpoint_id, key, sum(d) FROM (${source}) x GROUP BY 1, 2 HAVING sum(d) <> 0
        ON CONFLICT (endpoint_id, key) DO UPDATE SET n = event_counts.n + excluded.n;`;

export const pgMigrations: PgMigration[] = [
  {
    version: 1,
    sql: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      -- The log's cursor: every insert and update takes the next rev with this row locked,
      -- so revs commit in order (the late-commit gap, docs/ARCHITECTURE.md §4).
      CREATE TABLE log_state (id integer PRIMARY KEY CHECK (id = 1), rev bigint NOT NULL);
      INSERT INTO log_state (id, rev) VALUES (1, 0);
      CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE responses (id bigserial PRIMARY KEY, hash text NOT NULL UNIQUE, json text NOT NULL);
      CREATE TABLE events (
        seq bigint PRIMARY KEY,
        rev bigint NOT NULL,
        id text NOT NULL UNIQUE,
        received_at bigint NOT NULL,
        endpoint_id text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        query text NOT NULL,
        source_ip text,
        via_tunnel integer NOT NULL,
        imported integer NOT NULL DEFAULT 0,
        public_url text,
        event_type text,
        job_id text,
        headers text NOT NULL,
        size integer NOT NULL,
        content_type text,
        sig_status text NOT NULL,
        sig_provider text,
        sig_reason text NOT NULL,
        idem_key text,
        idem_source text,
        duplicate_of text,
        delivery_count integer NOT NULL,
        schema_status text NOT NULL,
        schema_name text,
        schema_issues text,
        response_status integer NOT NULL,
        forward_status text NOT NULL,
        rejected text,
        response_id bigint REFERENCES responses (id),
        stored_at bigint,
        may_be_first integer NOT NULL DEFAULT 1
      );
      CREATE INDEX events_rev ON events (rev);
      CREATE INDEX events_endpoint ON events (endpoint_id, seq);
      CREATE INDEX events_job ON events (job_id, seq) WHERE job_id IS NOT NULL;
      CREATE INDEX events_type ON events (event_type, seq);
      CREATE INDEX events_age ON events ((coalesce(stored_at, received_at)));
      CREATE INDEX events_idem ON events (endpoint_id, idem_key, imported, seq)
        WHERE idem_key IS NOT NULL AND may_be_first = 1;
      -- At most one first delivery per key: the classification is decided under the log's
      -- lock, and this constraint refuses a second first whatever writes it.
      CREATE UNIQUE INDEX events_first_of_key ON events (endpoint_id, imported, idem_key)
        WHERE idem_key IS NOT NULL AND may_be_first = 1 AND duplicate_of IS NULL;
      CREATE INDEX events_rejected ON events (seq) WHERE rejected IS NOT NULL;
      CREATE INDEX events_sig_rare ON events (sig_status, seq)
        WHERE ${rareCondition('sig_status', RARE_INDEXES.signatureStatus.values)};
      CREATE INDEX events_fwd_rare ON events (forward_status, seq)
        WHERE ${rareCondition('forward_status', RARE_INDEXES.forwardStatus.values)};
      CREATE INDEX events_dup ON events (seq) WHERE duplicate_of IS NOT NULL;
      CREATE TABLE bodies (
        seq bigint PRIMARY KEY REFERENCES events (seq) ON DELETE CASCADE,
        body bytea NOT NULL
      );
      -- Search: each field's tokens (search-tokens.ts) between single spaces, masked as the
      -- answers mask them; a term is a LIKE on them, found through trigram indexes.
      CREATE TABLE search_docs (
        seq bigint PRIMARY KEY REFERENCES events (seq) ON DELETE CASCADE,
        path text NOT NULL,
        headers text NOT NULL,
        body text NOT NULL
      );
      CREATE INDEX search_docs_path ON search_docs USING gin (path gin_trgm_ops);
      CREATE INDEX search_docs_headers ON search_docs USING gin (headers gin_trgm_ops);
      CREATE INDEX search_docs_body ON search_docs USING gin (body gin_trgm_ops);
      -- The filter pills' counters, kept by statement triggers in the writing transaction.
      CREATE TABLE event_counts (
        endpoint_id text NOT NULL,
        key text NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (endpoint_id, key)
      );
      CREATE FUNCTION events_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${bump(counted('new_rows', 1))}
        ELSIF TG_OP = 'DELETE' THEN ${bump(counted('old_rows', -1))}
        ELSE ${bump(`${counted('old_rows', -1)} UNION ALL ${counted('new_rows', 1)}`)}
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER events_count_insert AFTER INSERT ON events
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION events_count();
      CREATE TRIGGER events_count_delete AFTER DELETE ON events
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION events_count();
      CREATE TRIGGER events_count_update AFTER UPDATE ON events
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION events_count();
      CREATE TABLE forward_jobs (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL,
        target_url text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_at bigint NOT NULL,
        state text NOT NULL,
        last_status integer,
        last_error text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        redriven integer NOT NULL DEFAULT 0,
        resign integer NOT NULL DEFAULT 0,
        claimed_by text,
        lease_until bigint
      );
      CREATE INDEX forward_jobs_pending ON forward_jobs (next_at, id) WHERE state = 'pending';
      CREATE INDEX forward_jobs_leases ON forward_jobs (lease_until, id) WHERE state = 'running';
      CREATE INDEX forward_jobs_dead ON forward_jobs (id) WHERE state = 'dead';
      CREATE INDEX forward_jobs_event ON forward_jobs (event_id);
      CREATE TABLE forward_attempts (
        n bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        event_id text NOT NULL,
        job_id bigint,
        kind text NOT NULL,
        target_url text NOT NULL,
        attempt integer NOT NULL,
        status integer,
        error text,
        duration_ms double precision NOT NULL,
        at bigint NOT NULL,
        response_headers text,
        response_body bytea,
        response_truncated integer NOT NULL DEFAULT 0
      );
      CREATE INDEX forward_attempts_event ON forward_attempts (event_id, at, n);
    `,
  },
  {
    // The rest of the storage (issue 17, part 2): endpoints, check-ups, and the secrets,
    // encrypted (AES-256-GCM under HOOKSCOPE_SECRET_KEY, pg/secret-store.ts).
    version: 2,
    sql: `
      CREATE TABLE endpoints (
        id text PRIMARY KEY,
        name text NOT NULL,
        path text NOT NULL UNIQUE,
        provider text NOT NULL,
        tolerance_sec integer,
        forward_to text,
        response text NOT NULL,
        options text NOT NULL DEFAULT '{}',
        created_at text NOT NULL,
        updated_at text NOT NULL,
        rev integer NOT NULL DEFAULT 1
      );
      CREATE TABLE checkups (
        n bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        endpoint_id text,
        started_at bigint NOT NULL,
        summary text NOT NULL,
        probes text NOT NULL
      );
      CREATE INDEX checkups_endpoint ON checkups (endpoint_id, started_at);
      CREATE INDEX checkups_started ON checkups (started_at);
      -- One row per SecretStore key: the JSON list of secrets, encrypted; key_id names the key.
      CREATE TABLE secrets (
        key text PRIMARY KEY,
        key_id text NOT NULL,
        iv bytea NOT NULL,
        tag bytea NOT NULL,
        value bytea NOT NULL
      );
    `,
  },
  {
    // People (issue 18), as SQLite's migration 21.
    version: 3,
    sql: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL,
        token_hash text NOT NULL,
        created_at bigint NOT NULL,
        revoked_at bigint
      );
      CREATE UNIQUE INDEX users_active_name ON users (lower(name)) WHERE revoked_at IS NULL;
    `,
  },
  {
    // Forward attempts a `hookscope listen --server` reports (issue 18): who sent them.
    version: 4,
    sql: `ALTER TABLE forward_attempts ADD COLUMN sent_by text;`,
  },
];

/** The advisory lock key of a schema's migrations (one per schema: logs apart do not wait). */
const LOCK = `hashtext('hookscope:migrations:' || current_schema())`;

/**
 * Applies the migrations not applied yet, each in its own transaction under the advisory lock
 * (taken before anything is read, so a second runner waits for the first's commit, then sees
 * its version recorded). Creates the schema of the pool's search_path when missing.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string | undefined,
  list: PgMigration[] = pgMigrations,
): Promise<number[]> {
  const applied: number[] = [];
  if (schema) {
    // current_schema() is null while the schema does not exist: lock on its name instead.
    await transaction(pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtext('hookscope:schema:' || $1::text))`, [
        schema,
      ]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    });
  }
  for (const m of list) {
    const done = await transaction(pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
      await c.query(
        `CREATE TABLE IF NOT EXISTS migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const had = await c.query('SELECT 1 FROM migrations WHERE version = $1', [m.version]);
      if (had.rowCount) return false;
      await c.query(m.sql);
      await c.query('INSERT INTO migrations (version) VALUES ($1)', [m.version]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
