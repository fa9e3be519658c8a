// A million events on PostgreSQL (issue 17, "Measured"): the SQLite million's figures (first page
// warm and cold, the slowest filter, search, counts, `serve` start to ready, a retention pass
// under load, size per event) for `hookscope serve --database` on a throwaway PostgreSQL 15
// (scripts/pg-cluster.mjs). The log is filled the SQLite million's way: its template deliveries
// (bench/million.mjs `seed`: the same providers, sizes, verdicts, duplicates and forward states)
// posted through a real `serve --database`, which applies the real migrations and writes every
// row as PgEventLog writes it; then cloned in SQL, many copies per multi-row INSERT … SELECT,
// with fresh ids, seqs, revs and times spread over 30 days. The counter triggers stay on during
// the fill (event_counts kept as the engine keeps them); the secondary indexes are dropped for it
// and built again from their own definitions afterwards (the same schema, built at once).
// The fill is checked: the counters against a full scan, every event with its body and search
// row, the cursor at the highest rev, and the engine's countEvents against the scan.
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startCluster } from '../scripts/pg-cluster.mjs';
import {
  dropPageCache,
  measureLog,
  millionRows,
  millionTables,
  retentionUnderLoad,
  seed,
} from './million.mjs';
import { api, startHookscope, stopChild, tempDir } from './lib.mjs';

const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
const SPAN_MS = 30 * 86_400_000;
/** Rows cloned per statement (a copy of the templates is about 300 events). */
const ROWS_PER_STATEMENT = 20_000;
/** Ids and keys that are unique per delivery: each copy suffixes them (`_<copy>`). */
const SUFFIXED = new Set(['id', 'idem_key', 'duplicate_of', 'job_id']);

const filledName = (events) => `hs_million_${events}`;
const RUN_DB = 'hs_million_run';

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient(url, fn) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const serveEnv = (url) => ({
  ...process.env,
  HOOKSCOPE_DATABASE_URL: url,
  HOOKSCOPE_SECRET_KEY: SECRET_KEY,
});

/** Bytes every PostgreSQL process (the postmaster and its children) caused to be written. */
function clusterWrittenBytes(postmasterPid) {
  let bytes = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (Number(name) !== postmasterPid && ppid !== postmasterPid) continue;
      const m = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${name}/io`, 'utf8'));
      if (m) bytes += Number(m[1]);
    } catch {
      /* gone meanwhile, or no /proc */
    }
  }
  return bytes;
}

/** The filled database of this size kept by an earlier run (its comment says it is complete). */
async function filledBefore(serverUrl, name) {
  return withClient(serverUrl, async (c) => {
    const r = await c.query(
      `SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1`,
      [name],
    );
    return r.rows[0]?.note?.startsWith('hookscope bench: filled') ?? false;
  });
}

/** Column names of `table`, in order. */
async function columns(c, table) {
  const r = await c.query(
    `SELECT column_name AS name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return r.rows.map((x) => x.name);
}

/**
 * Fills database `name` (made afresh) with `events` deliveries; answers how the fill went.
 */
async function fill(serverUrl, name, events, log) {
  await withClient(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  const url = withDatabase(serverUrl, name);
  const t0 = performance.now();
  const seeded = await seed(tempDir(), log, { env: serveEnv(url) });
  const tSeeded = performance.now();
  const out = await withClient(url, async (c) => {
    await c.query(`SET maintenance_work_mem = '512MB'`);
    // The fill is rebuilt from scratch if the machine stops: no need to wait for each commit.
    await c.query('SET synchronous_commit = off');
    const tpl = (
      await c.query(
        `SELECT count(*)::int AS n, max(seq)::bigint AS s, (SELECT rev FROM log_state)::bigint AS r
         FROM events`,
      )
    ).rows[0];
    const n = tpl.n;
    const maxSeq = Number(tpl.s);
    const R = Number(tpl.r);
    const copies = Math.ceil(events / n) - 1;
    const start = Date.now() - SPAN_MS;
    const step = Math.floor(SPAN_MS / ((copies + 1) * R));
    // The templates' times like their clones' (oldest first over the 30 days).
    await c.query(`UPDATE events SET received_at = ${start} + seq * ${step}, stored_at = NULL`);
    // Secondary indexes off for the fill, built again from their definitions at the end.
    const indexes = (
      await c.query(
        `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         WHERE t.relnamespace = current_schema()::regnamespace
           AND t.relname IN ('events', 'bodies', 'search_docs')
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)`,
      )
    ).rows;
    for (const ix of indexes) await c.query(`DROP INDEX ${ix.name}`);

    const off = (col) => `${col} + g.c * ${R}`;
    const eventCols = await columns(c, 'events');
    const eventSql = `INSERT INTO events (${eventCols.join(', ')}) SELECT ${eventCols
      .map((col) =>
        col === 'seq' || col === 'rev'
          ? off(`e.${col}`)
          : col === 'received_at'
            ? `${start} + (${off('e.seq')}) * ${step}`
            : col === 'stored_at'
              ? 'NULL'
              : SUFFIXED.has(col)
                ? `e.${col} || '_' || g.c`
                : `e.${col}`,
      )
      .join(', ')} FROM events e CROSS JOIN generate_series($1::int, $2::int) g(c)
      WHERE e.seq <= ${maxSeq}`;
    const bodiesSql = `INSERT INTO bodies (seq, body) SELECT ${off('b.seq')}, b.body
      FROM bodies b CROSS JOIN generate_series($1::int, $2::int) g(c) WHERE b.seq <= ${maxSeq}`;
    const docsSql = `INSERT INTO search_docs (seq, path, headers, body)
      SELECT ${off('s.seq')}, s.path, s.headers, s.body
      FROM search_docs s CROSS JOIN generate_series($1::int, $2::int) g(c) WHERE s.seq <= ${maxSeq}`;
    const templateIds = `(SELECT id FROM events WHERE seq <= ${maxSeq})`;
    const jobCols = (await columns(c, 'forward_jobs')).filter((x) => x !== 'id');
    // As the SQLite million: the dead letters are cloned (their jobs and attempts), not the done.
    const jobsSql = `INSERT INTO forward_jobs (${jobCols.join(', ')}) SELECT ${jobCols
      .map((x) => (x === 'event_id' ? `j.event_id || '_' || g.c` : `j.${x}`))
      .join(', ')} FROM forward_jobs j CROSS JOIN generate_series($1::int, $2::int) g(c)
      WHERE j.state = 'dead' AND j.event_id IN ${templateIds}`;
    const attemptCols = (await columns(c, 'forward_attempts')).filter((x) => x !== 'n');
    const attemptsSql = `INSERT INTO forward_attempts (${attemptCols.join(', ')}) SELECT ${attemptCols
      .map((x) =>
        x === 'id' || x === 'event_id'
          ? `a.${x} || '_' || g.c`
          : x === 'job_id'
            ? 'NULL'
            : `a.${x}`,
      )
      .join(', ')} FROM forward_attempts a CROSS JOIN generate_series($1::int, $2::int) g(c)
      WHERE a.event_id IN ${templateIds}`;

    const perStatement = Math.max(1, Math.floor(ROWS_PER_STATEMENT / n));
    const tClone = performance.now();
    let lastLog = tClone;
    for (let from = 1; from <= copies; from += perStatement) {
      const to = Math.min(copies, from + perStatement - 1);
      await c.query('BEGIN');
      for (const sql of [eventSql, bodiesSql, docsSql, jobsSql, attemptsSql]) {
        await c.query(sql, [from, to]);
      }
      await c.query('COMMIT');
      if (performance.now() - lastLog > 10_000 || to === copies) {
        lastLog = performance.now();
        const rows = (to + 1) * n;
        const rate = (to * n) / ((lastLog - tClone) / 1000);
        log(
          `postgres-million: ${rows.toLocaleString('en-US')} events (${Math.round(rate).toLocaleString('en-US')}/s cloned)`,
        );
      }
    }
    const cloneSeconds = (performance.now() - tClone) / 1000;
    const tIndex = performance.now();
    for (const ix of indexes) {
      const ti = performance.now();
      await c.query(ix.def);
      log(
        `postgres-million: index ${ix.name} in ${((performance.now() - ti) / 1000).toFixed(1)} s`,
      );
    }
    const indexSeconds = (performance.now() - tIndex) / 1000;
    await c.query('UPDATE log_state SET rev = (SELECT max(rev) FROM events) WHERE id = 1');
    // What autovacuum does to a live log: hint bits, the visibility map, the planner's statistics.
    const tVacuum = performance.now();
    await c.query('VACUUM (ANALYZE)');
    await c.query('CHECKPOINT');
    const vacuumSeconds = (performance.now() - tVacuum) / 1000;
    const total = (await c.query('SELECT count(*)::int AS n FROM events')).rows[0].n;
    return { events: total, cloneSeconds, indexSeconds, vacuumSeconds };
  });
  await withClient(serverUrl, (c) =>
    c.query(`COMMENT ON DATABASE ${name} IS 'hookscope bench: filled, ${out.events} events'`),
  );
  const fillSeconds = (performance.now() - tSeeded) / 1000;
  const totalSeconds = (performance.now() - t0) / 1000;
  log(
    `postgres-million: ${out.events.toLocaleString('en-US')} events in ${totalSeconds.toFixed(0)} s ` +
      `(clone ${out.cloneSeconds.toFixed(0)} s, indexes ${out.indexSeconds.toFixed(0)} s, vacuum ${out.vacuumSeconds.toFixed(0)} s)`,
  );
  return {
    ...out,
    fillSeconds,
    totalSeconds,
    perSecond: out.events / fillSeconds,
    templatesPosted: seeded.posted,
    apiFloor: seeded.apiFloor,
  };
}

/** The counters' keys of a row `e`, as the log's migration writes them (pg/migrations.ts). */
const COUNTER_KEYS = [
  `'all'`,
  `'sig:' || e.sig_status`,
  `'fwd:' || e.forward_status`,
  `CASE WHEN e.duplicate_of IS NOT NULL THEN 'dup' END`,
  `CASE WHEN e.rejected IS NOT NULL THEN 'refused' END`,
  `'method:' || e.method`,
  `'type:' || coalesce(e.event_type, '')`,
]
  .map((k) => `(${k})`)
  .join(', ');

/**
 * The log against a full scan: every counter row against the rows counted, every event with
 * its body and search row, distinct revs, the cursor at the highest. Answers the mismatches
 * (empty when consistent) and the scan's counts (for the engine's countEvents).
 */
async function checkLog(url) {
  return withClient(url, async (c) => {
    const bad = [];
    const scan = new Map();
    for (const r of (
      await c.query(
        `SELECT e.endpoint_id AS e, k.key AS k, count(*)::bigint AS n FROM events e
         CROSS JOIN LATERAL (VALUES ${COUNTER_KEYS}) AS k (key) WHERE k.key IS NOT NULL GROUP BY 1, 2`,
      )
    ).rows) {
      scan.set(`${r.e} ${r.k}`, Number(r.n));
    }
    const kept = new Map();
    for (const r of (
      await c.query('SELECT endpoint_id AS e, key AS k, n FROM event_counts WHERE n <> 0')
    ).rows) {
      kept.set(`${r.e} ${r.k}`, Number(r.n));
    }
    for (const k of new Set([...scan.keys(), ...kept.keys()])) {
      if (scan.get(k) !== kept.get(k)) {
        bad.push(`counter ${k}: ${kept.get(k) ?? 0} kept, ${scan.get(k) ?? 0} counted`);
      }
    }
    const t = (
      await c.query(
        `SELECT (SELECT count(*) FROM events)::bigint AS events,
                (SELECT count(DISTINCT rev) FROM events)::bigint AS revs,
                (SELECT count(*) FROM bodies)::bigint AS bodies,
                (SELECT count(*) FROM search_docs)::bigint AS docs,
                (SELECT max(rev) FROM events)::bigint AS max_rev,
                (SELECT rev FROM log_state)::bigint AS cursor`,
      )
    ).rows[0];
    const [events, revs, bodies, docs] = [t.events, t.revs, t.bodies, t.docs].map(Number);
    if (revs !== events) bad.push(`${events} events but ${revs} distinct revs`);
    if (bodies !== events) bad.push(`${events} events but ${bodies} bodies`);
    if (docs !== events) bad.push(`${events} events but ${docs} search rows`);
    if (Number(t.cursor) < Number(t.max_rev)) {
      bad.push(`the cursor (${t.cursor}) is below the highest rev (${t.max_rev})`);
    }
    return { bad, scan, events };
  });
}

/** The engine's countEvents against the scan's counters (summed over endpoints). */
function compareCounts(answer, scan) {
  const sum = (key) => {
    let n = 0;
    for (const [k, v] of scan) if (k.endsWith(` ${key}`)) n += v;
    return n;
  };
  const bad = [];
  const want = { total: sum('all'), duplicates: sum('dup'), refused: sum('refused') };
  for (const [k, v] of Object.entries(want)) {
    if (answer[k] !== v) bad.push(`countEvents ${k}: ${answer[k]}, the scan ${v}`);
  }
  for (const [s, v] of Object.entries(answer.signature)) {
    if (v !== sum(`sig:${s}`))
      bad.push(`countEvents signature ${s}: ${v}, the scan ${sum(`sig:${s}`)}`);
  }
  for (const [s, v] of Object.entries(answer.forward)) {
    if (v !== sum(`fwd:${s}`))
      bad.push(`countEvents forward ${s}: ${v}, the scan ${sum(`fwd:${s}`)}`);
  }
  for (const [id, v] of Object.entries(answer.endpoints)) {
    const n = scan.get(`${id} all`) ?? 0;
    if (v !== n) bad.push(`countEvents endpoint ${id}: ${v}, the scan ${n}`);
  }
  return bad;
}

/**
 * Runs the part: the log of `events` filled (or reused from `keep`, a folder holding the
 * cluster between runs: BENCH_PG_MILLION_KEEP), then measured on a copy of it (when kept, so
 * the kept log stays as built: retention changes it). Null-safe: `{ skipped }` when no server.
 */
export async function runPgMillion({ events = 1_000_000, keep = null, log = () => {} }) {
  let cluster;
  try {
    cluster = await startCluster({ fsync: true, dir: keep });
  } catch (err) {
    return { skipped: err instanceof Error ? err.message : String(err) };
  }
  const source = filledName(events);
  let copied = false;
  try {
    let fillInfo = null;
    if (keep && (await filledBefore(cluster.url, source))) {
      log(`postgres-million: reusing ${source} kept in ${keep}`);
    } else {
      fillInfo = await fill(cluster.url, source, events, log);
    }
    let name = source;
    if (keep) {
      // File copy: the database's files copied at a checkpoint, not written again through WAL.
      const t0 = performance.now();
      await withClient(cluster.url, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${RUN_DB} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${RUN_DB} TEMPLATE ${source} STRATEGY FILE_COPY`);
      });
      copied = true;
      name = RUN_DB;
      log(
        `postgres-million: measuring on a copy (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
    const url = withDatabase(cluster.url, name);
    const env = serveEnv(url);
    const dbBytes = await withClient(url, async (c) =>
      Number((await c.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n),
    );
    log('postgres-million: checking the log against a full scan');
    const check = await checkLog(url);
    const out = { fill: fillInfo, dbBytes, check: check.bad };

    // Cold: PostgreSQL restarted (its shared buffers empty) after the OS page cache was
    // dropped where allowed, then a fresh `serve`.
    out.cacheDropped = dropPageCache();
    cluster.restart();
    const proc = await startHookscope(tempDir(), { timeoutMs: 120_000, env });
    out.startupMs = proc.ms;
    try {
      Object.assign(out, await measureLog(proc.ready, dbBytes, log));
      out.check.push(...compareCounts(await api(proc.ready, 'countEvents'), check.scan));
    } finally {
      await stopChild(proc, 60_000);
    }
    const postmaster = cluster.postmasterPid();
    out.retention = await retentionUnderLoad(
      tempDir(),
      Math.min(100_000, Math.floor(out.events / 10)),
      10,
      log,
      { env, written: () => clusterWrittenBytes(postmaster) },
    );
    for (const b of out.check) log(`postgres-million: INCONSISTENT: ${b}`);
    return out;
  } finally {
    if (copied) {
      await withClient(cluster.url, (c) =>
        c.query(`DROP DATABASE IF EXISTS ${RUN_DB} WITH (FORCE)`),
      ).catch(() => undefined);
    }
    cluster.stop();
  }
}

/** What "cold" was, in the rows and the section. */
const coldHow = (m) =>
  m.cacheDropped
    ? 'PostgreSQL restarted, page cache dropped, fresh serve'
    : 'PostgreSQL restarted, fresh serve; OS page cache NOT dropped (not allowed here)';

/** Rows for the targets table: the SQLite million's, each named "PostgreSQL: …". */
export function pgMillionRows(m, yesNo, fmt) {
  if (m.skipped) {
    return [['PostgreSQL million', `not run: ${m.skipped}`, 'reported', 'n/a']];
  }
  return [
    ...millionRows(m, yesNo, fmt, { label: 'PostgreSQL: ', coldHow: coldHow(m) }),
    [
      'PostgreSQL million: counters, bodies, search rows and cursor against a full scan',
      m.check.length === 0 ? 'consistent' : `${m.check.length} mismatches: ${m.check[0]}`,
      'consistent',
      yesNo(m.check.length === 0),
    ],
  ];
}

/** The Markdown section, beside the SQLite million's. */
export function pgMillionSection(m, { table, fmt }) {
  if (m.skipped) return `## A million events on PostgreSQL\n\nNot run: ${m.skipped}.\n`;
  const f = m.fill;
  const r = m.retention;
  return `## A million events on PostgreSQL

A log of ${fmt.int(m.events)} deliveries in a throwaway PostgreSQL 15 (scripts/pg-cluster.mjs:
\`fsync=on\`, \`synchronous_commit=on\`, \`shared_buffers=128MB\`, on this machine's disk), built
by \`bench/postgres-million.mjs\`: ${
    f
      ? `the SQLite million's ${f.templatesPosted} template deliveries posted through
\`hookscope serve --database\` (the real migrations, every row as PgEventLog writes it), then
cloned in SQL (multi-row \`INSERT … SELECT\`, about ${fmt.int(ROWS_PER_STATEMENT)} rows a
statement, the counter triggers on, the secondary indexes built afterwards from their own
definitions, then \`VACUUM (ANALYZE)\`): ${fmt.int(f.events)} events in ${Math.round(f.fillSeconds)} s after the templates
(${fmt.int(f.perSecond)} events/s: clone ${Math.round(f.cloneSeconds)} s, indexes ${Math.round(f.indexSeconds)} s,
vacuum ${Math.round(f.vacuumSeconds)} s; ${Math.round(f.totalSeconds)} s with the templates posted)`
      : 'reused from an earlier run (BENCH_PG_MILLION_KEEP)'
  }. The log checked against a full scan (counters, bodies,
search rows, distinct revs, the cursor; the engine's \`countEvents\` against the scan):
${m.check.length === 0 ? 'consistent' : `**${m.check.length} mismatches**: ${m.check.join('; ')}`}.
Every figure is taken through the control API of a fresh \`hookscope serve --database\` on that
log, the engine's own time (\`Server-Timing: engine;dur=\`) and the time through the API, as in
the SQLite million.

- Database: ${(m.dbBytes / 2 ** 30).toFixed(2)} GiB (\`pg_database_size\`), ${fmt.int(m.bytesPerEvent)} bytes per event
  (bodies, headers, indexes, the trigram search index; indexes built at once, so more compact
  than grown one delivery at a time).
- Written per delivery (2,048-byte body, 10 s at 1,000 req/s on the big log, every PostgreSQL
  process's \`write_bytes\`: WAL, data files, checkpoints):
  ${r.bytesPerDelivery === null ? 'not measured' : `${fmt.int(r.bytesPerDelivery)} bytes, ${(r.bytesPerDelivery / 2048).toFixed(1)}× the body`}.
- Retention deleting the oldest ${fmt.int(r.deleted)} events while 1,000 req/s are offered:
  ${r.retentionMs === null ? 'not done within 10 minutes' : `done in ${(r.retentionMs / 1000).toFixed(1)} s`}${r.overlapped ? '' : ' (the pass outlasted the 10 s load run)'};
  acks p50 ${fmt.ms(r.during.p50)}, p99 ${fmt.ms(r.during.p99)}, max ${fmt.ms(r.during.max)}, ${fmt.int(r.during.reqPerSec)} req/s held,
  ${fmt.int(r.during.non2xx)} non-2xx (alone: p50 ${fmt.ms(r.alone.p50)}, p99 ${fmt.ms(r.alone.p99)}, max ${fmt.ms(r.alone.max)}, ${fmt.int(r.alone.reqPerSec)} req/s held).
- Cold (${coldHow(m)}): the first page ${fmt.ms(m.cold.firstPageEngine)} in the engine (${fmt.ms(m.cold.firstPage)} through the API), a
  search ${fmt.ms(m.cold.searchEngine)} (${fmt.ms(m.cold.search)}); start to ready ${fmt.ms(m.startupMs)}.

${millionTables(m, { table, fmt })}
`;
}
