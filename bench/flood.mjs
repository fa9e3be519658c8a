// Flood benchmark (issue 8, "Figures"): 100,000 requests from one client IP through the
// forwarded path the tunnel uses (a trusted proxy on loopback passing X-Forwarded-For), while
// a worker thread times the control API calls the UI makes and a legitimate loopback sender
// keeps posting. Afterwards the log is counted and SQLite's integrity check run on it.
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  EVENT_ID_PLACEHOLDER,
  Samples,
  api,
  cpuMeter,
  percentile,
  startHookscope,
  stopChild,
  tempDir,
  webhookBody,
} from './lib.mjs';
import { rssMb } from './soak.mjs';

export const FLOOD_IP = '203.0.113.50';
const PROXY = '127.0.0.1';
const CONNECTIONS = 50;
const API_EVERY_MS = 100;
const LEGIT_EVERY_MS = 50;
const BASELINE_MS = 2000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs in a worker thread, so that autocannon's busy event loop in the main thread does not
 * delay (and so inflate) these timings. Every ~100 ms: `listEvents {limit: 100}` then
 * `getStatus`, as the UI does. Once told the flood started: one legitimate delivery every
 * 50 ms from loopback (no X-Forwarded-For), each at its own scheduled time.
 */
async function probe({ ready, body }) {
  const samples = { baseline: { list: [], status: [] }, flood: { list: [], status: [] } };
  const legit = [];
  let phase = 'baseline';
  let stopping = false;
  let legitTimer = null;
  let seq = 0;

  const call = async (command, input) => {
    const t = performance.now();
    const res = await fetch(`${ready.apiUrl}/api/${command}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ready.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${command}: HTTP ${res.status}`);
    return performance.now() - t;
  };
  const sendLegit = async () => {
    const id = 'evt_' + String(seq++).padStart(24, '7');
    const t = performance.now();
    try {
      const res = await fetch(`${ready.receiverUrl}/legit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body.replace(EVENT_ID_PLACEHOLDER, id),
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      legit.push({ status: res.status, ms: performance.now() - t });
    } catch (err) {
      legit.push({ status: 0, ms: performance.now() - t, error: String(err) });
    }
  };
  const inflight = new Set();
  const track = (p) => {
    inflight.add(p);
    p.finally(() => inflight.delete(p));
  };

  parentPort.on('message', (msg) => {
    if (msg === 'flood') {
      phase = 'flood';
      const t0 = performance.now();
      let n = 0;
      const next = () => {
        if (stopping) return;
        track(sendLegit());
        n++;
        legitTimer = setTimeout(next, Math.max(0, t0 + n * LEGIT_EVERY_MS - performance.now()));
      };
      next();
    } else if (msg === 'stop') {
      stopping = true;
      clearTimeout(legitTimer);
    }
  });
  parentPort.postMessage('started');

  let tick = performance.now();
  while (!stopping) {
    const into = samples[phase];
    into.list.push(await call('listEvents', { limit: 100 }));
    into.status.push(await call('getStatus', {}));
    tick += API_EVERY_MS;
    await sleep(Math.max(0, tick - performance.now()));
  }
  await Promise.all(inflight);
  parentPort.postMessage({ samples, legit });
}

if (!isMainThread && workerData?.role === 'flood-probe') {
  probe(workerData).catch((err) => {
    parentPort.postMessage({ error: String(err.stack ?? err) });
  });
}

function startProbe(ready, body) {
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { role: 'flood-probe', ready, body },
  });
  const result = new Promise((resolve, reject) => {
    worker.on('message', (msg) => {
      if (msg?.error) reject(new Error(`flood probe: ${msg.error}`));
      else if (msg !== 'started') resolve(msg);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`flood probe exited (${code})`)));
  });
  result.catch(() => {}); // awaited later; not an unhandled rejection if the bench fails first
  const started = Promise.race([
    new Promise((resolve) => worker.on('message', (m) => m === 'started' && resolve())),
    result,
  ]);
  return { worker, result, started };
}

const stats = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1] : NaN,
  };
};

/**
 * Sends exactly `amount` POSTs over `connections` concurrent keep-alive connections, each
 * body with a unique event id, and waits for every answer. Not autocannon: a 429 comes with
 * `Connection: close`, and autocannon 9 writes its next request into the closing socket and
 * silently loses it (a trial sent 20,000 and got 10,616 answers, with no error counted),
 * whereas node's http Agent opens a new connection for the next request, as a real sender
 * (or ngrok) would.
 */
async function send(url, body, { amount, connections, headers, serverPid }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const statuses = {};
  const okLatencies = new Samples();
  const errors = [];
  let next = 0;
  const one = (i) =>
    new Promise((resolve) => {
      const payload = Buffer.from(
        body.replace(EVENT_ID_PLACEHOLDER, 'evt_' + String(i).padStart(24, '5')),
      );
      const t = performance.now();
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': payload.length,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            if (res.statusCode >= 200 && res.statusCode < 300) {
              okLatencies.push(performance.now() - t);
            }
            resolve();
          });
          res.on('error', (err) => {
            errors.push(String(err));
            resolve();
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', (err) => {
        errors.push(String(err));
        resolve();
      });
      req.end(payload);
    });
  const cpu = cpuMeter(serverPid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < amount) await one(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const sorted = okLatencies.sorted();
  const answered = Object.values(statuses).reduce((a, n) => a + n, 0);
  return {
    sent: next,
    answered,
    statuses,
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 3),
    seconds,
    perSecond: answered / seconds,
    okP50: percentile(sorted, 50),
    okP99: percentile(sorted, 99),
    cpu: cpu(),
  };
}

/** Every event summary in the log (newest first, pages of 500). */
async function allSummaries(ready) {
  const items = [];
  let beforeSeq;
  for (;;) {
    const page = await api(ready, 'listEvents', {
      limit: 500,
      ...(beforeSeq ? { beforeSeq } : {}),
    });
    items.push(...page.items);
    if (page.items.length < 500) return items;
    beforeSeq = page.items[page.items.length - 1].seq;
  }
}

/**
 * Floods one `hookscope serve` (trusting 127.0.0.1 as a proxy) with `requests` requests from
 * FLOOD_IP over 50 connections, and returns the figures.
 */
export async function runFlood({ requests, log = () => {} }) {
  const body = webhookBody(2048);
  const dir = tempDir();
  const hs = await startHookscope(dir, {
    env: { ...process.env, HOOKSCOPE_TRUSTED_PROXIES: PROXY },
  });
  const pid = hs.child.pid;
  const out = { requests, ip: FLOOD_IP, proxy: PROXY, connections: CONNECTIONS };
  let probe;
  try {
    const settings = await api(hs.ready, 'getSettings');
    out.rateLimit = settings.receiver.rateLimit;
    out.rssBefore = rssMb(pid);
    probe = startProbe(hs.ready, body);
    await probe.started;
    await sleep(BASELINE_MS);

    log(`flood: ${requests} requests from ${FLOOD_IP} via ${PROXY}, ${CONNECTIONS} connections`);
    let rssMax = out.rssBefore;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssMb(pid))), 1000);
    probe.worker.postMessage('flood');
    try {
      out.flood = await send(`${hs.ready.receiverUrl}/flood`, body, {
        amount: requests,
        connections: CONNECTIONS,
        headers: { 'x-forwarded-for': FLOOD_IP },
        serverPid: pid,
      });
    } finally {
      clearInterval(rssTimer);
    }
    out.floodSeconds = out.flood.seconds;
    out.rssMax = rssMax;
    out.rssAfter = rssMb(pid);
    probe.worker.postMessage('stop');
    const { samples, legit } = await probe.result;
    await probe.worker.terminate();
    probe = null;

    out.api = {
      baseline: { list: stats(samples.baseline.list), status: stats(samples.baseline.status) },
      list: stats(samples.flood.list),
      status: stats(samples.flood.status),
    };
    out.api.all = stats([...samples.flood.list, ...samples.flood.status]);
    const legitOk = legit.filter((l) => l.status >= 200 && l.status < 300);
    out.legit = {
      sent: legit.length,
      ok: legitOk.length,
      limited: legit.filter((l) => l.status === 429).length,
      errors: legit.filter((l) => l.error).map((l) => l.error),
      ...stats(legitOk.map((l) => l.ms)),
    };
    out.ok = Object.entries(out.flood.statuses)
      .filter(([status]) => status >= 200 && status < 300)
      .reduce((a, [, n]) => a + n, 0);
    out.limited = out.flood.statuses[429] ?? 0;
    out.expectedOk = out.rateLimit.burst + out.rateLimit.perSecond * out.floodSeconds;

    const summaries = await allSummaries(hs.ready);
    const refusals = summaries.filter((e) => e.rejected);
    out.log = {
      status: (await api(hs.ready, 'getStatus')).events,
      events: summaries.length,
      refusals: refusals.length,
      refusals429: refusals.filter((e) => e.response.status === 429).length,
      refusalReason: refusals[0]?.rejected ?? null,
      expected: out.ok + out.legit.ok + refusals.length,
    };

    log('flood: stopping the server, checking the log');
    out.exit = await stopChild(hs);
    const db = new Database(join(dir, 'hookscope.db'), { readonly: true, fileMustExist: true });
    try {
      out.integrity = db
        .pragma('integrity_check')
        .map((r) => r.integrity_check)
        .join('; ');
      out.bySource = db
        .prepare(
          'SELECT source_ip AS ip, response_status AS status, count(*) AS n FROM events ' +
            'GROUP BY source_ip, response_status ORDER BY n DESC',
        )
        .all();
    } finally {
      db.close();
    }
  } finally {
    if (probe) await probe.worker.terminate();
    await stopChild(hs);
  }
  return out;
}

export const FLOOD_TARGET = { apiP95Ms: 150 };
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : 'n/a');
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const mb = (n) => (Number.isFinite(n) ? `${n.toFixed(1)} MB` : 'n/a');
const cores = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/** Whether the flood met each expectation (also used for the bench's exit code). */
export function floodVerdict(f) {
  const fromFlood = f.bySource.filter((r) => r.ip === f.ip).reduce((a, r) => a + r.n, 0);
  const fromLegit = f.bySource.filter((r) => r.ip === '127.0.0.1').reduce((a, r) => a + r.n, 0);
  return {
    answered: f.flood.answered === f.requests && f.flood.errors === 0,
    onlyOkOr429: f.ok + f.limited === f.flood.answered,
    // Within one second of refill of burst + rate × duration.
    limited: Math.abs(f.ok - f.expectedOk) <= f.rateLimit.perSecond,
    api: f.api.list.p95 <= FLOOD_TARGET.apiP95Ms && f.api.status.p95 <= FLOOD_TARGET.apiP95Ms,
    legit: f.legit.sent > 0 && f.legit.ok === f.legit.sent,
    consistent:
      f.log.events === f.log.expected &&
      f.log.status === f.log.events &&
      f.log.refusals === f.log.refusals429 &&
      f.log.refusals >= 1 &&
      f.log.refusals <= Math.ceil(f.floodSeconds / 60) + 1 &&
      fromFlood === f.ok + f.log.refusals &&
      fromLegit === f.legit.ok,
    fromFlood,
    fromLegit,
    integrity: f.integrity === 'ok' && f.exit.code === 0,
  };
}

/** Rows for the bench's targets table: `[figure, measured, target, result]`. */
export function floodRows(f, yesNo) {
  const v = floodVerdict(f);
  return [
    [
      `Flood of ${int(f.requests)} from one IP: control API p95 (listEvents, getStatus)`,
      `${ms(f.api.list.p95)}, ${ms(f.api.status.p95)}`,
      `≤ ${FLOOD_TARGET.apiP95Ms} ms (UI budget)`,
      yesNo(v.api),
    ],
    [
      'Flood: rate-limited, legit sender all 2xx, log consistent, integrity_check',
      `${int(f.ok)} 2xx + ${int(f.limited)} 429; ${int(f.legit.ok)}/${int(f.legit.sent)}; ${int(f.log.events)} = ${int(f.log.expected)}; ${f.integrity}`,
      `2xx ≈ ${int(f.expectedOk)}; all; equal; ok`,
      yesNo(v.answered && v.onlyOkOr429 && v.limited && v.legit && v.consistent && v.integrity),
    ],
  ];
}

/** The Markdown section of the flood. */
export function floodSection(f, { command, table, yesNo }) {
  const v = floodVerdict(f);
  const rl = f.rateLimit;
  const figures = table(
    ['Traffic', 'requests', '2xx', '429', 'other', 'errors', 'time', 'p50 (2xx)', 'p99 (2xx)'],
    [
      [
        `flood, X-Forwarded-For: ${f.ip}, ${f.connections} connections`,
        int(f.flood.sent),
        int(f.ok),
        int(f.limited),
        int(f.flood.answered - f.ok - f.limited),
        int(f.flood.errors),
        `${f.floodSeconds.toFixed(1)} s`,
        ms(f.flood.okP50),
        ms(f.flood.okP99),
      ],
      [
        'legitimate loopback sender, 1 per 50 ms',
        int(f.legit.sent),
        int(f.legit.ok),
        int(f.legit.limited),
        int(f.legit.sent - f.legit.ok - f.legit.limited - f.legit.errors.length),
        int(f.legit.errors.length),
        'during the flood',
        ms(f.legit.p50),
        ms(f.legit.p99),
      ],
    ],
  );
  const api = table(
    ['Control API call (every ~100 ms)', 'calls', 'p50', 'p95', 'max', 'idle p50 / p95'],
    [
      ['listEvents {limit: 100}', f.api.list, f.api.baseline.list],
      ['getStatus', f.api.status, f.api.baseline.status],
    ].map(([name, s, b]) => [
      name,
      int(s.n),
      ms(s.p50),
      ms(s.p95),
      ms(s.max),
      `${ms(b.p50)} / ${ms(b.p95)}`,
    ]),
  );
  const expectations = table(
    ['Expectation', 'Measured', 'Result'],
    [
      [
        `every request answered, 0 errors`,
        `${int(f.flood.answered)} of ${int(f.requests)} answered, ${int(f.flood.errors)} errors${f.flood.errorSamples.length ? ` (${f.flood.errorSamples.join('; ')})` : ''}`,
        yesNo(v.answered),
      ],
      [
        `rate-limited: 2xx ≈ ${rl.burst} + ${rl.perSecond}/s × ${f.floodSeconds.toFixed(1)} s = ${int(f.expectedOk)} (± ${rl.perSecond}), the rest 429`,
        `${int(f.ok)} 2xx, ${int(f.limited)} 429`,
        yesNo(v.limited && v.onlyOkOr429),
      ],
      [
        `control API p95 ≤ ${FLOOD_TARGET.apiP95Ms} ms (the UI latency budget) during the flood`,
        `listEvents ${ms(f.api.list.p95)}, getStatus ${ms(f.api.status.p95)}`,
        yesNo(v.api),
      ],
      [
        'legitimate loopback deliveries all 2xx',
        `${int(f.legit.ok)} of ${int(f.legit.sent)} (p50 ${ms(f.legit.p50)}, p99 ${ms(f.legit.p99)}, max ${ms(f.legit.max)})`,
        yesNo(v.legit),
      ],
      [
        'events in the log = flood 2xx + legit 2xx + logged refusals (429, at most 1 a minute)',
        `${int(f.log.events)} = ${int(f.ok)} + ${int(f.legit.ok)} + ${int(f.log.refusals)}` +
          ` (expected ${int(f.log.expected)}; by source IP: ${f.ip} ${int(v.fromFlood)}, 127.0.0.1 ${int(v.fromLegit)})`,
        yesNo(v.consistent),
      ],
      [
        '`PRAGMA integrity_check` after the stop',
        `${f.integrity} (exit code ${f.exit.code})`,
        yesNo(v.integrity),
      ],
    ],
  );
  return `## Flood

Command: \`${command}\` (${int(f.requests)} requests = \`BENCH_FLOOD_REQUESTS\`;
\`node bench/run.mjs --only flood\` runs this part alone).

\`hookscope serve\` on a fresh data dir with \`HOOKSCOPE_TRUSTED_PROXIES=${f.proxy}\`, default
settings (rate limit ${rl.perSecond}/s, burst ${rl.burst} per client IP). Every flood request
carries \`X-Forwarded-For: ${f.ip}\`, so the receiver takes it as forwarded by a proxy (the
path tunnel traffic takes) and rate-limits that client IP. ${int(f.requests)} requests with the
2 KB body (unique event ids), ${f.connections} at a time on keep-alive connections, sent with
node's http Agent rather than autocannon: a 429 closes its connection (\`Connection: close\`)
and autocannon 9 writes its next request into the closing socket and loses it without
counting an error, so it cannot send an exact number through a rate limit. Meanwhile a worker
thread (so that the flood's event loop does not delay its timers) calls
\`listEvents {limit: 100}\` and then \`getStatus\` every ~100 ms, as the UI does (for ${BASELINE_MS / 1000} s
before the flood too: "idle"), and posts one delivery from loopback (no X-Forwarded-For) every
50 ms. CPU during the flood, in cores: server ${cores(f.flood.cpu.server)}, bench process
${cores(f.flood.cpu.bench)}, other processes ${cores(f.flood.cpu.other)}. Server RSS ${mb(f.rssBefore)} before, at most ${mb(f.rssMax)}, ${mb(f.rssAfter)} after.

${figures}

${api}

${expectations}

The logged refusal reads: "${f.log.refusalReason ?? 'none'}".
`;
}
