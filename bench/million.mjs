// A million events (issue 16): builds a log of `events` realistic deliveries fast (a few hundred
// real deliveries through HTTP, then cloned in SQL, not through HTTP), then measures through the
// control API, warm and cold, what the list, filters, search and counts cost at that size,
// `hookscope serve` start to ready, and the database's size per event.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { load } from './ingest.mjs';
import { uiOnBigLog } from './ui-million.mjs';
import {
  api,
  engineMs,
  median,
  percentile,
  startHookscope,
  stopChild,
  webhookBody,
} from './lib.mjs';

const STRIPE_SECRET = 'whsec_bench_million_0123456789abcdef';
const GITHUB_SECRET = 'gh_bench_million_secret';
/** One delivery in this many carries a rare word (search for something that is rarely there). */
const RARE_EVERY = 97;

function stripeHeaders(body, secret, at = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac('sha256', secret).update(`${at}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'stripe-signature': `t=${at},v1=${v1}` };
}

function githubHeaders(body, secret, event, delivery) {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}

/** A JSON body of about `size` bytes with `words` in it (a Stripe-like event). */
function stripeBody(id, type, size, extra = '') {
  const body = JSON.parse(webhookBody(Math.max(size, 1400)));
  body.id = id;
  body.type = type;
  if (extra) body.data.object.description = `${extra} ${body.data.object.description}`;
  return JSON.stringify(body);
}

/** The template deliveries: mixed providers, sizes, verdicts, duplicates, forward outcomes. */
function templates(receiver) {
  const out = [];
  const types = ['payment_intent.succeeded', 'charge.refunded', 'invoice.paid', 'customer.created'];
  for (let i = 0; i < 240; i++) {
    const rare = i % RARE_EVERY === 0 ? 'zebracorn' : '';
    const kind = i % 12;
    const size = [500, 900, 1500, 2500, 4000, 9000][i % 6];
    if (kind <= 4) {
      const body = stripeBody(`evt_tpl_${i}`, types[i % types.length], size, rare);
      // One Stripe delivery in 24 is forged (invalid), one is an old replay (stale).
      const headers =
        i % 24 === 1
          ? stripeHeaders(body, 'whsec_wrong')
          : i % 24 === 13
            ? stripeHeaders(body, STRIPE_SECRET, Math.floor(Date.now() / 1000) - 3600)
            : stripeHeaders(body, STRIPE_SECRET);
      out.push({ url: `${receiver}/stripe`, method: 'POST', headers, body });
      // Providers retry: every fifth Stripe delivery comes twice (a duplicate).
      if (i % 5 === 0) out.push({ url: `${receiver}/stripe`, method: 'POST', headers, body });
    } else if (kind <= 7) {
      const body = JSON.stringify({
        action: 'opened',
        number: i,
        pull_request: { title: `Change ${i} ${rare}`, body: 'x'.repeat(size / 2) },
        repository: { full_name: 'acme/shop' },
      });
      const headers =
        kind === 7 && i % 36 === 7
          ? { 'content-type': 'application/json', 'x-github-event': 'pull_request' }
          : githubHeaders(body, GITHUB_SECRET, 'pull_request', `gh-${i}`);
      out.push({ url: `${receiver}/github`, method: 'POST', headers, body });
    } else if (kind <= 10) {
      // An async AI API's webhook on the default endpoint (forwarded to an app that answers 200).
      const body = JSON.stringify({
        id: `evt_ai_${i}`,
        object: 'event',
        type: ['batch.completed', 'response.completed', 'fine_tuning.job.succeeded'][i % 3],
        data: { id: `batch_${i}`, note: `${rare} ${'y'.repeat(size / 3)}` },
      });
      out.push({
        url: `${receiver}/ai/hooks`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    } else {
      // A health check (GET) and a form post to an endpoint whose app is down (dead letters).
      out.push({ url: `${receiver}/ping?i=${i}`, method: 'GET', headers: {}, body: undefined });
      out.push({
        url: `${receiver}/down/form`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `a=${i}&b=${rare}&c=${'z'.repeat(200)}`,
      });
    }
  }
  return out;
}

async function okApp() {
  const app = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${app.address().port}`, close: () => app.close() };
}

/**
 * Posts the templates through a real `hookscope serve`, waits until every forward settled.
 * `env` starts it on another log (HOOKSCOPE_DATABASE_URL: the PostgreSQL million reuses this).
 */
export async function seed(dir, log, { env } = {}) {
  const app = await okApp();
  const proc = await startHookscope(dir, env ? { env, timeoutMs: 60_000 } : {});
  try {
    const { ready } = proc;
    await api(ready, 'saveSettings', {
      // No retention: the log must keep the million (the retention bench sets its own).
      retention: { maxEvents: null, maxAgeDays: null },
      forwarding: { paused: false, concurrency: 4, timeoutMs: 2000, maxAttempts: 1 },
    });
    await api(ready, 'saveEndpoint', {
      name: 'Stripe',
      path: '/stripe',
      provider: 'stripe',
      secrets: [STRIPE_SECRET],
      forwardTo: `${app.url}/stripe`,
    });
    await api(ready, 'saveEndpoint', {
      name: 'GitHub',
      path: '/github',
      provider: 'github',
      secrets: [GITHUB_SECRET],
    });
    await api(ready, 'saveEndpoint', { name: 'AI', path: '/ai', forwardTo: `${app.url}/ai` });
    await api(ready, 'saveEndpoint', {
      name: 'Down',
      path: '/down',
      forwardTo: 'http://127.0.0.1:9/down',
    });
    const list = templates(ready.receiverUrl);
    for (const t of list) {
      const res = await fetch(t.url, { method: t.method, headers: t.headers, body: t.body });
      await res.arrayBuffer();
    }
    // Every forward settled (sent, or dead after its one attempt) before the log is cloned.
    for (let i = 0; i < 600; i++) {
      const waiting = await api(ready, 'listEvents', {
        forwardStatus: ['pending', 'retrying'],
        limit: 1,
        withTotal: true,
      });
      if ((waiting.total ?? 0) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    log(`million: ${list.length} template deliveries posted`);
    // The floor of the API: a page of 200 through HTTP and JSON on a log of a few hundred.
    const floor = await timed(() => api(ready, 'listEvents', { limit: 200 }));
    return { posted: list.length, apiFloor: floor };
  } finally {
    await stopChild(proc);
    app.close();
  }
}

/** Rows of `table` as copied `times` over, each copy's keys offset (ids suffixed with the copy). */
function cloneAll(db, target, log) {
  const t = db.prepare('SELECT count(*) AS n, max(seq) AS s, max(rev) AS r FROM events').get();
  const copies = Math.ceil(target / t.n) - 1;
  const cols = (table) =>
    db
      .prepare(`PRAGMA table_info(${table})`)
      .all()
      .map((c) => c.name);
  const eventCols = cols('events');
  const suffixed = new Set(['id', 'idem_key', 'duplicate_of', 'job_id']);
  const eventSql = `INSERT INTO events (${eventCols.join(', ')}) SELECT ${eventCols
    .map((c) =>
      c === 'seq'
        ? 'seq + @off'
        : c === 'rev'
          ? 'rev + @roff'
          : suffixed.has(c)
            ? `CASE WHEN ${c} IS NULL THEN NULL ELSE ${c} || @sfx END`
            : c,
    )
    .join(', ')} FROM events WHERE seq <= @max`;
  const jobCols = cols('forward_jobs').filter((c) => c !== 'id');
  const jobSql = `INSERT INTO forward_jobs (${jobCols.join(', ')}) SELECT ${jobCols
    .map((c) => (c === 'event_id' ? 'event_id || @sfx' : c))
    .join(
      ', ',
    )} FROM forward_jobs WHERE event_id IN (SELECT id FROM events WHERE seq <= @max) AND state = 'dead'`;
  const attemptCols = cols('forward_attempts');
  const attemptSql = `INSERT INTO forward_attempts (${attemptCols.join(', ')}) SELECT ${attemptCols
    .map((c) => (c === 'event_id' || c === 'id' ? `${c} || @sfx` : c === 'job_id' ? 'NULL' : c))
    .join(', ')} FROM forward_attempts WHERE event_id IN (SELECT id FROM events WHERE seq <= @max)`;
  const stmts = {
    events: db.prepare(eventSql),
    bodies: db.prepare(
      'INSERT INTO bodies (seq, body) SELECT seq + @off, body FROM bodies WHERE seq <= @max',
    ),
    // The index's text as the engine's indexer writes it, near enough for timing: path and
    // query, headers, the body's first MB as text (the templates are not compressed).
    fts: db.prepare(
      `INSERT INTO events_fts (rowid, path, headers, body)
       SELECT e.seq + @off, e.path || ' ' || e.query, e.headers, CAST(substr(b.body, 1, 1048576) AS TEXT)
       FROM events e JOIN bodies b ON b.seq = e.seq WHERE e.seq <= @max`,
    ),
    jobs: db.prepare(jobSql),
    attempts: db.prepare(attemptSql),
  };
  // The templates themselves are indexed the same way (the engine may not have caught up).
  db.exec("INSERT INTO events_fts (events_fts) VALUES ('delete-all')");
  // Segments are merged once at the end rather than during the fill (much faster; the index
  // ends as one that was merged as it grew).
  db.exec("INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', 0)");
  const t0 = performance.now();
  const chunk = db.transaction((from, to) => {
    for (let c = from; c < to; c++) {
      const p = { off: (c + 1) * t.s, roff: (c + 1) * t.r, sfx: `_${c + 1}`, max: t.s };
      stmts.events.run(p);
      stmts.bodies.run(p);
      stmts.fts.run(p);
      stmts.jobs.run(p);
      stmts.attempts.run(p);
    }
  });
  stmts.fts.run({ off: 0, max: t.s });
  for (let c = 0; c < copies; c += 100) {
    chunk(c, Math.min(copies, c + 100));
    if (c % 1000 === 0) log(`million: ${((c + 1) * t.n).toLocaleString('en-US')} rows cloned`);
  }
  log('million: merging the search index');
  db.exec("INSERT INTO events_fts (events_fts) VALUES ('optimize')");
  db.exec("INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', 4)");
  const n = db.prepare('SELECT count(*) AS n, max(seq) AS s FROM events').get();
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_seq', ?)").run(String(n.s));
  // Arrival times spread evenly over the last 30 days, oldest first (retention by age works).
  const span = 30 * 86_400_000;
  const start = Date.now() - span;
  db.prepare('UPDATE events SET received_at = @start + (seq * @step), stored_at = NULL').run({
    start,
    step: Math.floor(span / n.s),
  });
  return { events: n.n, fillSeconds: (performance.now() - t0) / 1000 };
}

/** Bytes the process has caused to be written to storage (Linux /proc), or null. */
function writtenBytes(pid) {
  try {
    const m = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Acks at 1,000 req/s on the big log, first alone, then while retention deletes the oldest
 * `drop` events (the limit lowered through the API as the second run starts); the bytes the
 * server wrote per delivery in the first run (write amplification). `env` starts the server on
 * another log (PostgreSQL), `written` says what bytes count (default: the server's own).
 */
export async function retentionUnderLoad(dir, drop, seconds, log, { env, written } = {}) {
  const proc = await startHookscope(dir, { timeoutMs: 120_000, ...(env ? { env } : {}) });
  try {
    const { ready, child } = proc;
    const body = webhookBody(2048);
    const rate = { connections: 10, overallRate: 1000, serverPid: child.pid };
    const bytes = written ?? (() => writtenBytes(child.pid));
    log(`million: ${seconds} s at 1,000 req/s on the big log`);
    const w0 = bytes();
    const alone = await load(ready.receiverUrl, body, { ...rate, duration: seconds });
    const w1 = bytes();
    const before = (await api(ready, 'getStatus')).events;
    const target = before - drop;
    log(`million: retention to ${target.toLocaleString('en-US')} events while acking`);
    const t0 = performance.now();
    let doneMs = null;
    const watch = (async () => {
      await api(ready, 'saveSettings', { retention: { maxEvents: target, maxAgeDays: null } });
      // Done when the log is back at the limit (deliveries arriving meanwhile are trimmed as
      // they come, so it stays within about a second's worth of it).
      while (doneMs === null && performance.now() - t0 < 600_000) {
        if ((await api(ready, 'getStatus')).events <= target + 1500)
          doneMs = performance.now() - t0;
        else await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const during = await load(ready.receiverUrl, body, { ...rate, duration: seconds });
    const tookLoad = performance.now() - t0;
    await watch;
    return {
      alone,
      during,
      deleted: drop,
      retentionMs: doneMs,
      overlapped: doneMs !== null && doneMs <= tookLoad,
      bytesPerDelivery: w0 !== null && w1 !== null ? (w1 - w0) / alone.ok : null,
    };
  } finally {
    await stopChild(proc, 60_000);
  }
}

/** Times `fn` `runs` times (after one warm-up call); answers median and p95 in ms. */
export async function timed(fn, runs = 15) {
  await fn();
  const samples = [];
  const engine = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const answer = await fn();
    samples.push(performance.now() - t0);
    engine.push(engineMs(answer));
  }
  samples.sort((a, b) => a - b);
  engine.sort((a, b) => a - b);
  return {
    median: median(samples),
    p95: percentile(samples, 95),
    // The engine's own time (Server-Timing): the log's answer without HTTP and JSON.
    engine: median(engine),
    engineP95: percentile(engine, 95),
  };
}

/**
 * The list, search, filters and counts through the control API of a `hookscope serve` just
 * started on a big log of `size` bytes (the first two calls are the cold ones): what the SQLite
 * and the PostgreSQL million both measure.
 */
export async function measureLog(ready, size, log) {
  const t = async (fn) => {
    const t0 = performance.now();
    const answer = await fn();
    return { ms: performance.now() - t0, engine: engineMs(answer) };
  };
  const coldFirst = await t(() => api(ready, 'listEvents', { limit: 200 }));
  const coldSearch = await t(() => api(ready, 'listEvents', { query: 'zebracorn', limit: 200 }));
  const out = {};
  out.cold = {
    firstPage: coldFirst.ms,
    firstPageEngine: coldFirst.engine,
    search: coldSearch.ms,
    searchEngine: coldSearch.engine,
  };
  const status = await api(ready, 'getStatus');
  out.events = status.events;
  out.bytesPerEvent = size / status.events;
  const endpoints = (await api(ready, 'listEndpoints')).items;
  out.warm = {
    firstPage: await timed(() => api(ready, 'listEvents', { limit: 200 })),
    oldestPage: await timed(() => api(ready, 'listEvents', { beforeSeq: 1000, limit: 200 })),
    search: await timed(() => api(ready, 'listEvents', { query: 'zebracorn', limit: 200 })),
    searchCommon: await timed(() => api(ready, 'listEvents', { query: 'headphones', limit: 200 })),
    searchFiltered: await timed(() =>
      api(ready, 'listEvents', { query: 'zebracorn', method: 'POST', limit: 200 }),
    ),
    counts: await timed(() => api(ready, 'countEvents')),
    countsEndpoint: await timed(() =>
      api(ready, 'countEvents', { endpointId: endpoints.find((e) => e.name === 'GitHub').id }),
    ),
    getEvent: await timed(async () => {
      const first = (await api(ready, 'listEvents', { limit: 1 })).items[0];
      return api(ready, 'getEvent', { id: first.id });
    }),
  };
  out.filters = [];
  for (const [name, input] of filterCases(endpoints)) {
    const page = await timed(() => api(ready, 'listEvents', { ...input, limit: 200 }), 7);
    const count = await timed(
      () => api(ready, 'listEvents', { ...input, limit: 1, withTotal: true }),
      3,
    );
    const total = (await api(ready, 'listEvents', { ...input, limit: 1, withTotal: true })).total;
    out.filters.push({ name, page, count, total });
    log(`million: ${name}: ${page.median.toFixed(1)} ms first page, ${total} match`);
  }
  return out;
}

/** Drops the OS page cache when allowed (root on Linux); says whether it could. */
export function dropPageCache() {
  spawnSync('sync');
  const r = spawnSync('sh', ['-c', 'echo 3 > /proc/sys/vm/drop_caches'], { encoding: 'utf8' });
  return r.status === 0;
}

/** The filter combinations measured: every pill alone, and combinations with the rarest. */
function filterCases(endpoints) {
  const byName = Object.fromEntries(endpoints.map((e) => [e.name, e.id]));
  return [
    ['verdict valid', { signatureStatus: ['valid'] }],
    ['verdict invalid (rarest)', { signatureStatus: ['invalid'] }],
    ['verdict stale', { signatureStatus: ['stale'] }],
    ['verdict missing', { signatureStatus: ['missing'] }],
    ['duplicates', { duplicatesOnly: true }],
    ['refused', { refusedOnly: true }],
    ['forward dead', { forwardStatus: ['dead'] }],
    ['endpoint GitHub', { endpointId: byName.GitHub }],
    ['method GET', { method: 'GET' }],
    ['event type invoice.paid', { eventType: 'invoice.paid' }],
    ['GitHub + missing', { endpointId: byName.GitHub, signatureStatus: ['missing'] }],
    [
      'Stripe + invalid + duplicates',
      { endpointId: byName.Stripe, signatureStatus: ['invalid'], duplicatesOnly: true },
    ],
    ['GET + forward dead (none)', { method: 'GET', forwardStatus: ['dead'] }],
  ];
}

/**
 * Builds the log of `events` deliveries in `dir` (unless it holds one already) and answers how
 * the fill went (null when it was not built here). With `keep` (a folder, BENCH_MILLION_KEEP),
 * a log of that size kept there by an earlier run is copied into `dir` instead of built again,
 * and one built here is copied there for the next run (the measurements, retention above all,
 * change the log, so they always run on a copy).
 */
export async function buildLog({ dir, events, keep = null, log = () => {} }) {
  const file = join(dir, 'hookscope.db');
  const kept = keep ? join(keep, `hookscope-${events}.db`) : null;
  if (existsSync(file)) return null;
  if (kept && existsSync(kept)) {
    log(`million: reusing the log kept in ${kept}`);
    copyFileSync(kept, file);
    return null;
  }
  const t0 = performance.now();
  const seeded = await seed(dir, log);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const fill = {
    ...cloneAll(db, events, log),
    templatesPosted: seeded.posted,
    apiFloor: seeded.apiFloor,
  };
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fill.totalSeconds = (performance.now() - t0) / 1000;
  log(
    `million: ${fill.events.toLocaleString('en-US')} events in ${fill.totalSeconds.toFixed(0)} s`,
  );
  if (kept) {
    mkdirSync(keep, { recursive: true });
    // Written under another name first: a run stopped mid-copy leaves no half log to reuse.
    copyFileSync(file, `${kept}.partial`);
    renameSync(`${kept}.partial`, kept);
    log(`million: log kept in ${kept} for the next run`);
  }
  return fill;
}

/**
 * Builds the log in `dir` (unless it holds one already), then measures. `events` is the size;
 * the figures are through the control API of a fresh `hookscope serve` (HTTP on loopback
 * included, as the UI sees them).
 */
export async function runMillion({ dir, events = 1_000_000, keep = null, log = () => {} }) {
  const fill = await buildLog({ dir, events, keep, log });
  const file = join(dir, 'hookscope.db');
  const size = statSync(file).size;
  const out = { fill, dbBytes: size };

  // Cold: the page cache dropped (where allowed) and a fresh process on the file.
  out.cacheDropped = dropPageCache();
  const proc = await startHookscope(dir, { timeoutMs: 120_000 });
  out.startupMs = proc.ms;
  try {
    const { ready } = proc;
    Object.assign(out, await measureLog(ready, size, log));
    // In Chromium, on the same server: open, search, open an event, page towards the oldest.
    out.ui = await uiOnBigLog(ready, { log });
  } finally {
    await stopChild(proc, 60_000);
  }
  out.retention = await retentionUnderLoad(
    dir,
    Math.min(100_000, Math.floor(out.events / 10)),
    10,
    log,
  );
  return out;
}

const TARGETS = {
  firstWarm: 2,
  firstCold: 30,
  filterWarm: 5,
  searchWarm: 5,
  searchCold: 50,
  counts: 5,
  startup: 1000,
};

/**
 * The targets table's rows for the million (issue 16); `label` goes before each figure's name
 * and `coldHow` says what "cold" was (the PostgreSQL million's rows, issue 17).
 */
export function millionRows(m, yesNo, fmt, { label = '', coldHow = null } = {}) {
  const n = fmt.int(m.events);
  // The targets are the log's: the engine's own time (Server-Timing), the time through HTTP
  // and the JSON of 200 summaries beside it.
  const both = (engine, api) => `${fmt.ms(engine)} (through the API: ${fmt.ms(api)})`;
  const worst = m.filters.reduce((a, b) => (b.page.engine > a.page.engine ? b : a));
  const rows = [
    [
      `First page of the list, ${n} events, warm (median, in the engine)`,
      `${both(m.warm.firstPage.engine, m.warm.firstPage.median)}${m.fill ? `; the API's floor: ${fmt.ms(m.fill.apiFloor.median)} on ${m.fill.templatesPosted} events` : ''}`,
      `≤ ${TARGETS.firstWarm} ms`,
      yesNo(m.warm.firstPage.engine <= TARGETS.firstWarm),
    ],
    [
      `First page, cold (${coldHow ?? `fresh process${m.cacheDropped ? ', page cache dropped' : ''}`}; in the engine)`,
      both(m.cold.firstPageEngine, m.cold.firstPage),
      `≤ ${TARGETS.firstCold} ms`,
      yesNo(m.cold.firstPageEngine <= TARGETS.firstCold),
    ],
    [
      `Slowest filter's first page, warm (${worst.name}; in the engine)`,
      both(worst.page.engine, worst.page.median),
      `≤ ${TARGETS.filterWarm} ms`,
      yesNo(worst.page.engine <= TARGETS.filterWarm),
    ],
    [
      `Search, a rare word, warm / cold (in the engine)`,
      `${fmt.ms(m.warm.search.engine)} / ${fmt.ms(m.cold.searchEngine)} (through the API: ${fmt.ms(m.warm.search.median)} / ${fmt.ms(m.cold.search)})`,
      `≤ ${TARGETS.searchWarm} / ${TARGETS.searchCold} ms`,
      yesNo(
        m.warm.search.engine <= TARGETS.searchWarm && m.cold.searchEngine <= TARGETS.searchCold,
      ),
    ],
    [
      `Counts of every filter pill (countEvents, in the engine)`,
      both(m.warm.counts.engine, m.warm.counts.median),
      `≤ ${TARGETS.counts} ms`,
      yesNo(m.warm.counts.engine <= TARGETS.counts),
    ],
    [
      `p99 ack at 1,000 req/s while retention deletes ${fmt.int(m.retention.deleted)} (alone: ${fmt.ms(m.retention.alone.p99)})`,
      `${fmt.ms(m.retention.during.p99)}${m.retention.overlapped ? '' : ' (the pass outlasted the run)'}`,
      '≤ 10 ms',
      yesNo(m.retention.during.p99 <= 10 && m.retention.during.non2xx === 0),
    ],
    [
      `hookscope serve start to ready, ${n} events`,
      fmt.ms(m.startupMs),
      `≤ ${TARGETS.startup} ms`,
      yesNo(m.startupMs <= TARGETS.startup),
    ],
  ];
  return rows.map(([name, ...rest]) => [`${label}${name}`, ...rest]);
}

/** The million's two tables: the warm timings, and every filter's first page and total. */
export function millionTables(m, { table, fmt }) {
  const row = (name, t) => [
    name,
    fmt.ms(t.engine),
    fmt.ms(t.engineP95),
    fmt.ms(t.median),
    fmt.ms(t.p95),
  ];
  return `${table(
    ['warm (15 runs)', 'engine median', 'engine p95', 'API median', 'API p95'],
    [
      row('first page (200)', m.warm.firstPage),
      row('oldest page (beforeSeq)', m.warm.oldestPage),
      row('search, a rare word', m.warm.search),
      row('search, a word in most bodies', m.warm.searchCommon),
      row('search + a filter', m.warm.searchFiltered),
      row('countEvents', m.warm.counts),
      row('countEvents, one endpoint', m.warm.countsEndpoint),
      row('getEvent', m.warm.getEvent),
    ],
  )}

Filters (first page of 200, and \`withTotal\`: the exact count the list shows; medians, the
engine's time and through the API):

${table(
  ['filter', 'matches', 'first page: engine', 'API', 'with total: engine', 'API'],
  m.filters.map((x) => [
    x.name,
    fmt.int(x.total),
    fmt.ms(x.page.engine),
    fmt.ms(x.page.median),
    fmt.ms(x.count.engine),
    fmt.ms(x.count.median),
  ]),
)}`;
}

/** The million's section of BENCHMARKS.md. */
export function millionSection(m, { table, fmt }) {
  const f = m.fill;
  return `## A million events

A log of ${fmt.int(m.events)} deliveries built by \`bench/million.mjs\`: ${
    f
      ? `${f.templatesPosted} real deliveries
posted through \`hookscope serve\` (Stripe signed, forged and stale, with retries as duplicates;
GitHub signed and unsigned; AI-API events forwarded to a local app; GETs; form posts forwarded
to an app that is down, so dead letters), then cloned in SQL with fresh ids, seqs and times
spread over 30 days, search index included (built in ${Math.round(f.fillSeconds)} s)`
      : 'reused from an earlier run'
  }.
Every figure is taken through the control API of a fresh \`hookscope serve\` on that log, twice:
the engine's own time (the command's \`Server-Timing: engine;dur=\`, the log's answer without
HTTP and JSON: what the targets are about) and the time the client waited (HTTP on loopback and
the JSON of up to 200 summaries included, as the UI sees it).${
    f
      ? ` The floor of
that path, the same first page on the ${f.templatesPosted}-event log: ${fmt.ms(f.apiFloor.median)}
(median).`
      : ''
  }

- Database: ${(m.dbBytes / 2 ** 30).toFixed(2)} GiB, ${fmt.int(m.bytesPerEvent)} bytes per event
  (bodies, headers, indexes and the search index).
- Written per delivery (2,048-byte body, 10 s at 1,000 req/s on the big log, the server's
  \`write_bytes\`: WAL, checkpoints, search indexing):
  ${m.retention.bytesPerDelivery === null ? 'not measured (no /proc here)' : `${fmt.int(m.retention.bytesPerDelivery)} bytes, ${(m.retention.bytesPerDelivery / 2048).toFixed(1)}× the body`}.
- Retention deleting the oldest ${fmt.int(m.retention.deleted)} events while 1,000 req/s arrive:
  ${m.retention.retentionMs === null ? 'not done within 10 minutes' : `done in ${(m.retention.retentionMs / 1000).toFixed(1)} s`};
  acks p50 ${fmt.ms(m.retention.during.p50)}, p99 ${fmt.ms(m.retention.during.p99)}, max ${fmt.ms(m.retention.during.max)},
  ${fmt.int(m.retention.during.non2xx)} non-2xx (alone: p50 ${fmt.ms(m.retention.alone.p50)}, p99 ${fmt.ms(m.retention.alone.p99)}, max ${fmt.ms(m.retention.alone.max)}).
- Cold: the first page ${fmt.ms(m.cold.firstPageEngine)} in the engine (${fmt.ms(m.cold.firstPage)} through the API), a search ${fmt.ms(m.cold.searchEngine)} (${fmt.ms(m.cold.search)}), just after
  start on a file not read since${m.cacheDropped ? ' with the OS page cache dropped' : ' (the page cache could not be dropped: not root)'}; start to ready ${fmt.ms(m.startupMs)}.

${millionTables(m, { table, fmt })}

`;
}
