import { RARE_INDEXES, rareCondition } from './event-filters';
/** A counter's key and what it adds for a row `r` (`OLD` or `NEW`) with `d` (1 or -1). */
type CounterKey = (r: string, d: string) => string;
/** The counters of migration 16 (as they were: a migration never changes once shipped). */
const PILL_KEYS: CounterKey[] = [
  (r, d) => `(${r}.endpoint_id, 'all', ${d})`,
  (r, d) => `(${r}.endpoint_id, 'sig:' || ${r}.sig_status, ${d})`,
  (r, d) => `(${r}.endpoint_id, 'fwd:' || ${r}.forward_status, ${d})`,
  (r, d) => `(${r}.endpoint_id, 'dup', (${r}.duplicate_of IS NOT NULL) * ${d})`,
  (r, d) => `(${r}.endpoint_id, 'refused', (${r}.rejected IS NOT NULL) * ${d})`,
];
/** Migration 19's: by method and event type too. */
const ALL_KEYS: CounterKey[] = [
  ...PILL_KEYS,
  (r, d) => `(${r}.endpoint_id, 'method:' || ${r}.method, ${d})`,
  (r, d) => `(${r}.endpoint_id, 'type:' || coalesce(${r}.event_type, ''), ${d})`,
];

/** Schema migrations, applied in order, each once (recorded in the `migrations` table). */
export const migrations: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE endpoints (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,
        provider TEXT NOT NULL,
        tolerance_sec INTEGER,
        forward_to TEXT,
        response TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        rev INTEGER NOT NULL,
        id TEXT NOT NULL UNIQUE,
        received_at INTEGER NOT NULL,
        endpoint_id TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        query TEXT NOT NULL,
        source_ip TEXT,
        via_tunnel INTEGER NOT NULL,
        public_url TEXT,
        event_type TEXT,
        job_id TEXT,
        headers TEXT NOT NULL,
        size INTEGER NOT NULL,
        content_type TEXT,
        sig_status TEXT NOT NULL,
        sig_provider TEXT,
        sig_reason TEXT NOT NULL,
        idem_key TEXT,
        idem_source TEXT,
        duplicate_of TEXT,
        delivery_count INTEGER NOT NULL,
        schema_status TEXT NOT NULL,
        schema_name TEXT,
        schema_issues TEXT,
        response_status INTEGER NOT NULL,
        forward_status TEXT NOT NULL
      );
      CREATE INDEX events_rev ON events (rev);
      CREATE INDEX events_endpoint ON events (endpoint_id, seq);
      CREATE INDEX events_job ON events (job_id, seq) WHERE job_id IS NOT NULL;
      CREATE INDEX events_idem ON events (endpoint_id, idem_key, seq) WHERE idem_key IS NOT NULL;
      CREATE TABLE bodies (seq INTEGER PRIMARY KEY, body BLOB NOT NULL);
      CREATE VIRTUAL TABLE events_fts USING fts5 (
        path, headers, body, content='', contentless_delete=1, tokenize='unicode61'
      );
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE forward_jobs (
        id INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL,
        target_url TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX forward_jobs_due ON forward_jobs (state, next_at);
      CREATE INDEX forward_jobs_event ON forward_jobs (event_id);
      CREATE TABLE forward_attempts (
        id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL,
        job_id INTEGER,
        kind TEXT NOT NULL,
        target_url TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status INTEGER,
        error TEXT,
        duration_ms REAL NOT NULL,
        at INTEGER NOT NULL,
        response_headers TEXT,
        response_body BLOB,
        response_truncated INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX forward_attempts_event ON forward_attempts (event_id, at);
    `,
  },
  {
    version: 3,
    sql: `ALTER TABLE events ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 4,
    sql: `ALTER TABLE forward_jobs ADD COLUMN redriven INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // Check-up runs (issue 9): the summary for history lists, the probes for one run.
    version: 5,
    sql: `
      CREATE TABLE checkups (
        id TEXT PRIMARY KEY,
        endpoint_id TEXT,
        started_at INTEGER NOT NULL,
        summary TEXT NOT NULL,
        probes TEXT NOT NULL
      );
      CREATE INDEX checkups_endpoint ON checkups (endpoint_id, started_at);
      CREATE INDEX checkups_started ON checkups (started_at);
    `,
  },
  {
    // Requests the receiver refused (413, 431, 429): why, in words; null for stored deliveries.
    version: 6,
    sql: `ALTER TABLE events ADD COLUMN rejected TEXT;`,
  },
  {
    // The "refused" filter reads only the refusals, newest first, however large the log.
    version: 7,
    sql: `CREATE INDEX events_rejected ON events (seq) WHERE rejected IS NOT NULL;`,
  },
  {
    // Search means whole tokens, diacritics folded (README "Search"); gzip/deflate/br bodies are
    // indexed decoded and large bodies by their first MB. The index is rebuilt for that: it is
    // emptied here and refilled from the start in idle chunks (search-index.ts), so opening a
    // big log stays fast; rows not indexed yet are searched with the same rules meanwhile.
    version: 8,
    sql: `
      DROP TABLE events_fts;
      CREATE VIRTUAL TABLE events_fts USING fts5 (
        path, headers, body, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2'
      );
      DELETE FROM meta WHERE key = 'fts_seq';
    `,
  },
  {
    // The response each delivery was answered with (headers, body), stored once per distinct
    // response: for HAR exports. Null for older events and refusals.
    version: 9,
    sql: `
      CREATE TABLE responses (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
      ALTER TABLE events ADD COLUMN response_id INTEGER;
    `,
  },
  {
    // When an imported event entered this log (null: when it was received). Retention counts
    // age from here, so an old export brought back in is not removed a second later.
    version: 10,
    sql: `ALTER TABLE events ADD COLUMN stored_at INTEGER;`,
  },
  {
    // Each endpoint's version (issue 14.2): bumped with every change in the same transaction,
    // so a save based on an older one is refused instead of silently overwriting it.
    version: 11,
    sql: `ALTER TABLE endpoints ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;`,
  },
  {
    // Search finds nothing an answer masks (issue 13): endpoint secrets in headers and the
    // query are masked before they are indexed. Rows indexed before held them as received,
    // so the index is emptied and refilled from the start in idle chunks, as in version 8.
    version: 12,
    sql: `
      INSERT INTO events_fts (events_fts) VALUES ('delete-all');
      DELETE FROM meta WHERE key = 'fts_seq';
    `,
  },
  {
    // A redriven job signed again with the endpoint's secret at each attempt (issue 14, walk
    // item 1), so the app's SDK does not refuse an old timestamp.
    version: 13,
    sql: `ALTER TABLE forward_jobs ADD COLUMN resign INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // Whether a delivery may be the first of its idempotency key (second attack on issue 13):
    // not one that arrived unverified on an endpoint that has a secret, so a stranger who
    // guesses an id cannot make the sender's real delivery "a duplicate". Rows stored before
    // keep counting (their verdicts invalid and missing are excluded by the query).
    version: 14,
    sql: `ALTER TABLE events ADD COLUMN may_be_first INTEGER NOT NULL DEFAULT 1;`,
  },
  {
    // Forward claims as leases (issue 15): who holds a running job and until when, so a
    // claim a dead or hung holder left is taken over when it runs out (several processes on
    // one queue: PostgreSQL's FOR UPDATE SKIP LOCKED). Jobs running from before are freed at
    // start as always (resetRunning).
    version: 15,
    sql: `
      ALTER TABLE forward_jobs ADD COLUMN claimed_by TEXT;
      ALTER TABLE forward_jobs ADD COLUMN lease_until INTEGER;
    `,
  },
  {
    // Counts for the list's filter pills (issue 16): kept with the log by triggers, in the
    // transaction of every insert, change and delete, so they are exact without a scan of a
    // big log. One row per endpoint and key: 'all', 'sig:<verdict>', 'fwd:<forward status>',
    // 'dup' (a duplicate), 'refused'. Filled once here from the rows there are.
    version: 16,
    sql: `
      CREATE TABLE event_counts (
        endpoint_id TEXT NOT NULL,
        key TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (endpoint_id, key)
      ) WITHOUT ROWID;
      INSERT INTO event_counts (endpoint_id, key, n)
        SELECT endpoint_id, 'all', count(*) FROM events GROUP BY endpoint_id
        UNION ALL SELECT endpoint_id, 'sig:' || sig_status, count(*) FROM events GROUP BY 1, 2
        UNION ALL SELECT endpoint_id, 'fwd:' || forward_status, count(*) FROM events GROUP BY 1, 2
        UNION ALL SELECT endpoint_id, 'dup', count(*) FROM events WHERE duplicate_of IS NOT NULL GROUP BY 1
        UNION ALL SELECT endpoint_id, 'refused', count(*) FROM events WHERE rejected IS NOT NULL GROUP BY 1;
      ${countTrigger('insert', 'AFTER INSERT', [['NEW', '1']], PILL_KEYS)}
      ${countTrigger('delete', 'AFTER DELETE', [['OLD', '-1']], PILL_KEYS)}
      ${countTrigger(
        'update',
        'AFTER UPDATE OF endpoint_id, sig_status, forward_status, duplicate_of, rejected',
        [
          ['OLD', '-1'],
          ['NEW', '1'],
        ],
        PILL_KEYS,
      )}
    `,
  },
  {
    // The rule of may_be_first in one place (the append's mayBeFirst): rows stored before
    // version 14 whose signature failed or was missing are marked, so the duplicate check
    // reads the column alone instead of repeating the rule in SQL.
    version: 17,
    sql: `UPDATE events SET may_be_first = 0 WHERE sig_status IN ('invalid', 'missing');`,
  },
  {
    // The list's filters on a log of millions (issue 16): partial indexes over the rare
    // verdicts, forward states and duplicates only (few rows, so little cost per delivery),
    // each holding every filter column, so a filter combining them with others is answered
    // from index entries (event-filters.ts RARE_INDEXES; the conditions must match it).
    version: 18,
    sql: `
      CREATE INDEX events_sig_rare ON events (sig_status, seq, ${filterColumns('sig_status')})
        WHERE sig_status IN ('invalid', 'stale', 'missing', 'future');
      CREATE INDEX events_fwd_rare ON events (forward_status, seq, ${filterColumns('forward_status')})
        WHERE forward_status IN ('pending', 'retrying', 'failed', 'dead');
      CREATE INDEX events_dup ON events (seq, ${filterColumns('duplicate_of')})
        WHERE duplicate_of IS NOT NULL;
    `,
  },
  {
    // The counters also count by method and event type (the list's other one-value filters),
    // so a filter's total is instant for them too: the triggers are made again with the two
    // keys, 'method:<METHOD>' and 'type:<event type>' ('type:' for none), filled once here.
    version: 19,
    sql: `
      DROP TRIGGER events_count_insert;
      DROP TRIGGER events_count_delete;
      DROP TRIGGER events_count_update;
      INSERT INTO event_counts (endpoint_id, key, n)
        SELECT endpoint_id, 'method:' || method, count(*) FROM events GROUP BY 1, 2
        UNION ALL SELECT endpoint_id, 'type:' || coalesce(event_type, ''), count(*) FROM events GROUP BY 1, 2;
      ${countTrigger('insert', 'AFTER INSERT', [['NEW', '1']], ALL_KEYS)}
      ${countTrigger('delete', 'AFTER DELETE', [['OLD', '-1']], ALL_KEYS)}
      ${countTrigger(
        'update',
        'AFTER UPDATE OF endpoint_id, sig_status, forward_status, duplicate_of, rejected, method, event_type',
        [
          ['OLD', '-1'],
          ['NEW', '1'],
        ],
        ALL_KEYS,
      )}
    `,
  },
  {
    // The rare indexes of version 18 again, their conditions written as ORs
    // (event-filters.ts rareCondition): as \`IN (…)\` lists, SQLite built two temporary tables
    // for every row inserted or deleted, and a retention pass on a big log spent ~0.5 ms a row
    // on it (issue 16). Same columns, same rows; rebuilt once (a few seconds on a million).
    version: 20,
    sql: `
      DROP INDEX events_sig_rare;
      DROP INDEX events_fwd_rare;
      CREATE INDEX events_sig_rare ON events (sig_status, seq, ${filterColumns('sig_status')})
        WHERE ${rareCondition('sig_status', RARE_INDEXES.signatureStatus.values)};
      CREATE INDEX events_fwd_rare ON events (forward_status, seq, ${filterColumns('forward_status')})
        WHERE ${rareCondition('forward_status', RARE_INDEXES.forwardStatus.values)};
    `,
  },
  {
    // People (issue 18): each with the slow hash of their token, never the token; a revoked
    // person keeps the row and frees the name.
    version: 21,
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE UNIQUE INDEX users_active_name ON users (lower(name)) WHERE revoked_at IS NULL;
    `,
  },
  {
    // Forward attempts a `hookscope listen --server` reports (issue 18): who sent them.
    version: 22,
    sql: `ALTER TABLE forward_attempts ADD COLUMN sent_by TEXT;`,
  },
];

/** The filter columns an index on `lead` carries besides it, so criteria are checked there. */
function filterColumns(lead: string): string {
  return [
    'endpoint_id',
    'method',
    'sig_status',
    'forward_status',
    'duplicate_of',
    'rejected',
    'event_type',
    'job_id',
  ]
    .filter((c) => c !== lead)
    .join(', ');
}

/** A trigger adding `delta` to each counter a row (`OLD` or `NEW`) is counted in. */
function countTrigger(
  name: string,
  when: string,
  rows: [string, string][],
  keys: CounterKey[],
): string {
  const values = rows.flatMap(([r, d]) => keys.map((k) => k(r, d)));
  return `
      CREATE TRIGGER events_count_${name} ${when} ON events BEGIN
        INSERT INTO event_counts (endpoint_id, key, n) VALUES ${values.join(', ')}
          ON CONFLICT (endpoint_id, key) DO UPDATE SET n = n + excluded.n;
      END;`;
}
