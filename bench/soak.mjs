// Soak benchmark (issue 8, "Figures"): `hookscope serve` at a fixed 1,000 req/s for minutes,
// then a burst at the maximum rate, with the server's RSS sampled throughout, and every acked
// delivery checked against the log by its event id afterwards.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { load } from './ingest.mjs';
import {
  Samples,
  api,
  percentile,
  startHookscope,
  stopChild,
  tempDir,
  webhookBody,
} from './lib.mjs';

const RATE = 1000;
const RATE_CONNECTIONS = 10;
const BURST_CONNECTIONS = 50;
const RSS_EVERY_MS = 5000;
/** RSS is judged after this warm-up: 60 s, or 20% of a shorter soak. */
const WARMUP_S = (seconds) => Math.min(60, 0.2 * seconds);

/** The VmRSS of `pid` in MB (from /proc/<pid>/status), NaN when unreadable. */
export function rssMb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Least-squares slope of `points` ({ t: seconds, mb }), in MB per minute. */
export function slopeMbPerMin(points) {
  const n = points.length;
  if (n < 2) return NaN;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mm = points.reduce((a, p) => a + p.mb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.mb - mm);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? NaN : (num / den) * 60;
}

/**
 * Event ids of every body in the log (`{"id":"evt_...` opens each body), read from the SQLite
 * file once the server has stopped.
 */
function idsInLog(dbFile) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const ids = new Set();
    let other = 0;
    for (const row of db.prepare('SELECT substr(body, 1, 48) AS head FROM bodies').iterate()) {
      const m = /"id":"(evt_[0-9]{24})"/.exec(Buffer.from(row.head).toString('latin1'));
      if (m) ids.add(m[1]);
      else other++;
    }
    const events = db.prepare('SELECT count(*) AS n FROM events').get().n;
    return { ids, other, events };
  } finally {
    db.close();
  }
}

/** Collects the id of every 2xx answer, and latencies per minute of the run. */
function tracker(t0) {
  const acked = new Set();
  const perMinute = [];
  return {
    acked,
    perMinute,
    onResponse(client, status, ms) {
      if (status < 200 || status >= 300) return;
      acked.add(client.eventId());
      const minute = Math.floor((performance.now() - t0) / 60_000);
      (perMinute[minute] ??= new Samples(1 << 14)).push(ms);
    },
  };
}

/**
 * Runs the soak (`seconds` at 1,000 req/s over 10 connections, exactly `seconds` × 1,000
 * requests) and the burst (`burstSeconds` at 50 connections, as fast as they go) against one
 * `hookscope serve` with retention off, and returns the figures.
 */
export async function runSoak({ seconds, burstSeconds, log = () => {} }) {
  const body = webhookBody(2048);
  const dir = tempDir();
  const hs = await startHookscope(dir);
  const pid = hs.child.pid;
  const out = { seconds, burstSeconds, rate: RATE, bodyBytes: Buffer.byteLength(body) };
  const rss = [];
  let sampler;
  try {
    const settings = await api(hs.ready, 'saveSettings', {
      retention: { maxEvents: null, maxAgeDays: null },
    });
    if (settings.retention.maxEvents !== null || settings.retention.maxAgeDays !== null) {
      throw new Error(`retention still on: ${JSON.stringify(settings.retention)}`);
    }
    const t0 = performance.now();
    let phase = 'soak';
    const sample = () => rss.push({ t: (performance.now() - t0) / 1000, mb: rssMb(pid), phase });
    sample();
    sampler = setInterval(sample, RSS_EVERY_MS);

    log(`soak: ${seconds} s at ${RATE} req/s (${RATE_CONNECTIONS} connections), retention off`);
    const soakTrack = tracker(t0);
    out.soak = await load(hs.ready.receiverUrl, body, {
      connections: RATE_CONNECTIONS,
      overallRate: RATE,
      amount: RATE * seconds,
      serverPid: pid,
      onResponse: soakTrack.onResponse,
    });
    out.soak.perMinuteP99 = soakTrack.perMinute.map((s) => percentile(s.sorted(), 99));
    out.soakEnd = (performance.now() - t0) / 1000;
    sample();

    phase = 'burst';
    log(`soak: burst, ${burstSeconds} s at ${BURST_CONNECTIONS} connections`);
    const burstTrack = tracker(t0);
    out.burst = await load(hs.ready.receiverUrl, body, {
      connections: BURST_CONNECTIONS,
      duration: burstSeconds,
      serverPid: pid,
      onResponse: burstTrack.onResponse,
    });
    sample();
    clearInterval(sampler);
    out.statusEvents = (await api(hs.ready, 'getStatus')).events;

    log('soak: stopping the server, reading the log');
    const stopped = await stopChild(hs);
    out.exit = stopped;
    const inLog = idsInLog(join(dir, 'hookscope.db'));
    const acked = new Set([...soakTrack.acked, ...burstTrack.acked]);
    let missing = 0;
    for (const id of acked) if (!inLog.ids.has(id)) missing++;
    out.log = {
      acked: acked.size,
      ackedResponses: out.soak.ok + out.burst.ok,
      events: inLog.events,
      withId: inLog.ids.size,
      other: inLog.other,
      missing,
      // Sent by the burst but not answered before autocannon closed its connections.
      unacked: inLog.ids.size - (acked.size - missing),
    };
  } finally {
    clearInterval(sampler);
    await stopChild(hs);
  }
  out.rss = analyseRss(rss, seconds);
  return out;
}

/** RSS after the warm-up: min/max/last, the least-squares slope and whether it is stable. */
function analyseRss(samples, seconds) {
  const warmupS = WARMUP_S(seconds);
  const soak = samples.filter((p) => p.phase === 'soak' && Number.isFinite(p.mb));
  const warm = soak.filter((p) => p.t >= warmupS);
  const mbs = warm.map((p) => p.mb);
  const slope = slopeMbPerMin(warm);
  const warmRss = warm[0]?.mb ?? NaN;
  const growth = slope * (seconds / 60);
  const burst = samples.filter((p) => p.phase === 'burst' && Number.isFinite(p.mb));
  return {
    everyS: RSS_EVERY_MS / 1000,
    warmupS,
    series: samples,
    warmRss,
    min: Math.min(...mbs),
    max: Math.max(...mbs),
    last: mbs[mbs.length - 1] ?? NaN,
    slope,
    growth,
    stable: warm.length >= 2 && (growth < 0.1 * warmRss || growth < 20),
    burstMax: burst.length ? Math.max(...burst.map((p) => p.mb)) : NaN,
    start: soak[0]?.mb ?? NaN,
  };
}

export const SOAK_TARGET = { p99Ms: 10, rateShare: 0.95, rssShare: 0.1, rssMb: 20 };
const mb = (n) => (Number.isFinite(n) ? `${n.toFixed(1)} MB` : 'n/a');
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : 'n/a');
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const cores = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/** Whether the soak met each expectation (also used for the bench's exit code). */
export function soakVerdict(s) {
  const failures = (r) => r.non2xx + r.errors;
  return {
    clean: failures(s.soak) === 0 && failures(s.burst) === 0,
    noneLost: s.log.missing === 0 && s.exit.code === 0,
    // Every 2xx had its own id, and the log holds those plus at most one cut-off request per
    // burst connection, nothing else.
    exact:
      s.log.acked === s.log.ackedResponses &&
      s.log.other === 0 &&
      s.log.events === s.log.acked - s.log.missing + s.log.unacked &&
      s.log.unacked >= 0 &&
      s.log.unacked <= BURST_CONNECTIONS,
    rateHeld: s.soak.reqPerSec >= SOAK_TARGET.rateShare * s.rate,
    p99: s.soak.p99 <= SOAK_TARGET.p99Ms,
    rss: s.rss.stable,
  };
}

/** Rows for the bench's targets table: `[figure, measured, target, result]`. */
export function soakRows(s, yesNo) {
  const v = soakVerdict(s);
  const min = `${+(s.seconds / 60).toFixed(2)} min`;
  return [
    [
      `Soak: p99 ack latency, ${min} at ${int(s.rate)} req/s`,
      `${ms(s.soak.p99)} (${int(s.soak.reqPerSec)} req/s held)`,
      `≤ ${SOAK_TARGET.p99Ms} ms`,
      yesNo(v.p99 && v.rateHeld),
    ],
    [
      'Soak + burst: errors, non-2xx, acked deliveries missing from the log',
      `${int(s.soak.errors + s.burst.errors)}, ${int(s.soak.non2xx + s.burst.non2xx)}, ${int(s.log.missing)} (of ${int(s.log.acked)})`,
      '0, 0, 0',
      yesNo(v.clean && v.noneLost && v.exact),
    ],
    [
      'Soak: server RSS growth after warm-up (slope × soak length)',
      `${s.rss.growth >= 0 ? '+' : ''}${mb(s.rss.growth)} (${s.rss.slope.toFixed(2)} MB/min, warm ${mb(s.rss.warmRss)})`,
      `< 10% of warm RSS or < ${SOAK_TARGET.rssMb} MB`,
      yesNo(v.rss),
    ],
  ];
}

/** The Markdown section of the soak. */
export function soakSection(s, { command, table, yesNo }) {
  const v = soakVerdict(s);
  const runs = [
    [`soak, ${int(s.rate)} req/s, 10 connections`, s.soak],
    ['burst, 50 connections, max rate', s.burst],
  ];
  const figures = table(
    [
      'Run',
      'answered',
      '2xx',
      'non-2xx',
      'errors',
      'time',
      'req/s',
      'p50',
      'p99',
      'max',
      'server CPU',
      'other CPU',
    ],
    runs.map(([name, r]) => [
      name,
      int(r.ok + r.non2xx),
      int(r.ok),
      int(r.non2xx),
      int(r.errors),
      `${r.durationS.toFixed(1)} s`,
      int(r.reqPerSec),
      ms(r.p50),
      ms(r.p99),
      ms(r.max),
      cores(r.cpu.server),
      cores(r.cpu.other),
    ]),
  );
  const lastMin = s.soak.perMinuteP99.length;
  const expectations = table(
    ['Expectation', 'Measured', 'Result'],
    [
      [
        'no errors and no non-2xx, soak and burst',
        `${int(s.soak.errors + s.burst.errors)} errors, ${int(s.soak.non2xx + s.burst.non2xx)} non-2xx`,
        yesNo(v.clean),
      ],
      [
        '0 lost: every acked (2xx) event id is in the log',
        `${int(s.log.acked)} acked, ${int(s.log.missing)} missing; ${int(s.log.events)} events in the log = acked + ${int(s.log.unacked)} cut off by the end of the burst`,
        yesNo(v.noneLost && v.exact),
      ],
      [
        `soak rate held (≥ ${SOAK_TARGET.rateShare * 100}% of ${int(s.rate)} req/s)`,
        `${int(s.soak.reqPerSec)} req/s`,
        yesNo(v.rateHeld),
      ],
      [
        `soak p99 ack latency ≤ ${SOAK_TARGET.p99Ms} ms (docs/ARCHITECTURE.md §9)`,
        `${ms(s.soak.p99)} (per minute: ${s.soak.perMinuteP99.map((n) => n.toFixed(1)).join(', ')} ms${lastMin > s.seconds / 60 ? '; the last is a part minute' : ''})`,
        yesNo(v.p99),
      ],
      [
        `RSS stable after the warm-up: growth < ${SOAK_TARGET.rssShare * 100}% of warm RSS or < ${SOAK_TARGET.rssMb} MB`,
        `min ${mb(s.rss.min)}, max ${mb(s.rss.max)}, last ${mb(s.rss.last)}; slope ${s.rss.slope.toFixed(2)} MB/min × ${+(s.seconds / 60).toFixed(2)} min = ${mb(s.rss.growth)}`,
        yesNo(v.rss),
      ],
    ],
  );
  const soakSeries = s.rss.series.filter((p) => p.phase === 'soak');
  const cut = soakSeries.findIndex((p) => p.t >= s.rss.warmupS);
  const mbList = (ps) => ps.map((p) => Math.round(p.mb)).join(' ');
  const burstSeries = s.rss.series.filter((p) => p.phase === 'burst');
  return `## Soak

Command: \`${command}\` (soak ${s.seconds} s = \`BENCH_SOAK_SECONDS\`, burst ${s.burstSeconds} s =
\`BENCH_BURST_SECONDS\`; \`node bench/run.mjs --only soak\` runs this part alone).

One \`hookscope serve\` on a fresh data dir, retention turned off through the control API
(\`saveSettings {retention: {maxEvents: null, maxAgeDays: null}}\`) so that the log keeps every
delivery and the counts are exact. The ingest load (autocannon, the ${int(s.bodyBytes)}-byte JSON
body with a unique event id per request, \`POST /bench\`): the soak sends exactly
${int(s.rate * s.seconds)} requests at ${int(s.rate)} req/s over 10 connections (\`overallRate\` and
\`amount\`, so every request is answered before the run ends); then the burst, 50 connections as
fast as they go for ${s.burstSeconds} s. Latency is per 2xx, from request write to full response.
After the burst the server is stopped (SIGTERM: exit code ${s.exit.code}) and the event id in
every body in \`hookscope.db\` is compared with the id of every 2xx answer.

${figures}

${expectations}

The log holds ${int(s.log.events)} events, ${int(s.log.withId)} with a bench event id; ${int(s.log.acked)} of them
were acked and ${int(s.log.unacked)} were sent by the burst but their answers were cut off when
autocannon closed its connections at the end of the burst (at most one per connection), so they
were stored without the client seeing the 2xx. getStatus counted ${int(s.statusEvents)} events
before the stop.

Server RSS (VmRSS from \`/proc/<pid>/status\`, MB) every ${s.rss.everyS} s from the start of
the soak; the warm-up is the first ${s.rss.warmupS} s (60 s or 20% of the soak), the slope a
least-squares fit over the samples after it:

- warm-up: ${mbList(soakSeries.slice(0, cut))}
- after the warm-up: ${mbList(soakSeries.slice(cut))}
- burst: ${mbList(burstSeries)} (max ${mb(s.rss.burstMax)})
`;
}
