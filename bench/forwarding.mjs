// Forwarding throughput (issue 16): a fresh `hookscope serve` with an endpoint forwarding to a
// fast local app (bench/forward-app.mjs: node:http answering 200 at once). First the
// forwarder's capacity: a backlog queued while forwarding is paused, then drained with nothing
// else going on (deliveries forwarded per second, from the app's count). Then deliveries
// posted at a fixed rate below that capacity (autocannon, `load` from bench/ingest.mjs) while
// they are forwarded: what the app received per second, each delivery's ack-to-forward lag,
// and the receiver's ack p99; and the same rate with forwarding off, for comparison.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { load } from './ingest.mjs';
import {
  ROOT,
  api,
  percentile,
  spawnReady,
  startHookscope,
  stopChild,
  tempDir,
  webhookBody,
} from './lib.mjs';

const APP = join(ROOT, 'bench', 'forward-app.mjs');
const CONNECTIONS = 10;
/** The offered rate: this share of the measured capacity, at most MAX_RATE. */
const RATE_SHARE = 0.8;
const MAX_RATE = 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const epochNow = () => performance.timeOrigin + performance.now();

async function appStats(app, reset = false) {
  const res = await fetch(`${app.ready.url}/${reset ? 'reset' : 'stats'}`);
  return res.json();
}

/** Polls the app's count every 100 ms until it reaches `want` or stops moving for `idleMs`. */
async function waitForCount(app, want, idleMs = 5_000) {
  const samples = [];
  let last = -1;
  let since = performance.now();
  for (;;) {
    const { count } = await appStats(app);
    const now = performance.now();
    samples.push({ t: now, count });
    if (count >= want) return samples;
    if (count !== last) {
      last = count;
      since = now;
    } else if (now - since > idleMs) return samples;
    await sleep(100);
  }
}

async function setForwarding(ready, patch) {
  const { forwarding } = await api(ready, 'getSettings');
  await api(ready, 'saveSettings', { forwarding: { ...forwarding, ...patch } });
}

/**
 * Forwarding figures. `seconds` of the fixed-rate runs; `backlog` deliveries queued for the
 * capacity run. The forwarder's settings are the defaults (concurrency 4) unless
 * `concurrency` is given.
 */
export async function runForwarding({ seconds = 10, backlog = 5000, concurrency, log = () => {} }) {
  const body = webhookBody(2048);
  const app = await spawnReady([APP]);
  const proc = await startHookscope(tempDir());
  try {
    const { ready } = proc;
    const serverPid = proc.child.pid;
    const endpoint = await api(ready, 'saveEndpoint', {
      name: 'Bench app',
      path: '/bench',
      forwardTo: `${app.ready.url}/hook`,
    });
    if (concurrency) await setForwarding(ready, { concurrency });
    const settings = (await api(ready, 'getSettings')).forwarding;
    const out = { seconds, backlog, settings: { ...settings, paused: false } };

    // a. Capacity: the backlog queued while paused, then forwarded with nothing else going on.
    log(`forwarding: queueing ${backlog} deliveries (paused), then draining`);
    await setForwarding(ready, { paused: true });
    const queued = await load(ready.receiverUrl, body, {
      connections: CONNECTIONS,
      amount: backlog,
      serverPid,
    });
    await setForwarding(ready, { paused: false });
    const t0 = performance.now();
    const drain = await waitForCount(app, queued.ok);
    const done = drain[drain.length - 1];
    // The rate between 10% and 90% of the backlog: the ramp-up and the tail left out.
    const at = (share) => drain.find((s) => s.count >= share * queued.ok) ?? done;
    const lo = at(0.1);
    const hi = at(0.9);
    out.capacity = {
      queued: queued.ok,
      forwarded: done.count,
      seconds: (done.t - t0) / 1000,
      perSecond: ((hi.count - lo.count) * 1000) / (hi.t - lo.t),
    };
    log(`forwarding: capacity ${out.capacity.perSecond.toFixed(0)}/s`);

    // b. A fixed rate while forwarding: what the app receives, the lag, the acks.
    const rate = Math.max(10, Math.min(MAX_RATE, Math.floor(out.capacity.perSecond * RATE_SHARE)));
    out.rate = rate;
    await appStats(app, true);
    log(`forwarding: ${rate} req/s for ${seconds} s while forwarding`);
    const ackedAt = new Map();
    const timeline = [];
    const ticker = setInterval(
      () => appStats(app).then((s) => timeline.push({ t: performance.now(), count: s.count })),
      1000,
    );
    const start = performance.now();
    let during;
    try {
      during = await load(ready.receiverUrl, body, {
        connections: CONNECTIONS,
        overallRate: rate,
        duration: seconds,
        serverPid,
        onResponse: (client, status) => {
          if (status >= 200 && status < 300) ackedAt.set(client.eventId(), epochNow());
        },
      });
    } finally {
      clearInterval(ticker);
    }
    const atEnd = await appStats(app);
    const tail = await waitForCount(app, during.ok, 10_000);
    const { arrivals } = await appStats(app);
    const lags = [];
    for (const [id, t] of ackedAt) if (arrivals[id] !== undefined) lags.push(arrivals[id] - t);
    // Lags of acked deliveries that reached the app (`matched` of `acks.ok`).
    lags.sort((a, b) => a - b);
    // Forwarded per second over the run, from the app's count (the first second left out).
    const inRun = timeline.filter((s) => s.t - start >= 1000 && s.t - start <= seconds * 1000);
    const perSecond =
      inRun.length >= 2
        ? ((inRun[inRun.length - 1].count - inRun[0].count) * 1000) /
          (inRun[inRun.length - 1].t - inRun[0].t)
        : NaN;
    out.during = {
      acks: pick(during),
      forwardedPerSecond: perSecond,
      forwardedInRun: atEnd.count,
      forwarded: tail[tail.length - 1].count,
      behindAtEnd: during.ok - atEnd.count,
      lag: {
        matched: lags.length,
        p50: percentile(lags, 50),
        p99: percentile(lags, 99),
        max: lags[lags.length - 1] ?? NaN,
      },
    };
    log(
      `forwarding: ${perSecond.toFixed(0)}/s forwarded, ack p99 ${during.p99.toFixed(2)} ms, lag p99 ${out.during.lag.p99.toFixed(0)} ms`,
    );

    // c. The same rate with forwarding off (the endpoint without a target).
    await api(ready, 'saveEndpoint', {
      id: endpoint.id,
      name: 'Bench app',
      path: '/bench',
      forwardTo: null,
    });
    log(`forwarding: ${rate} req/s for ${seconds} s, forwarding off`);
    out.without = pick(
      await load(ready.receiverUrl, body, {
        connections: CONNECTIONS,
        overallRate: rate,
        duration: seconds,
        serverPid,
      }),
    );
    out.deadLetters = (await api(ready, 'getStatus')).deadLetters;
    return out;
  } finally {
    await stopChild(proc);
    await stopChild(app);
  }
}

/** The parts of a `load` result reported here. */
function pick(r) {
  return {
    ok: r.ok,
    non2xx: r.non2xx,
    errors: r.errors,
    reqPerSec: r.reqPerSec,
    p50: r.p50,
    p99: r.p99,
    max: r.max,
    serverCores: r.cpu.server,
    otherCores: r.cpu.other,
  };
}

/** Rows for the targets table: `[figure, measured, target, result]`. */
export function forwardingRows(f, yesNo, fmt) {
  const d = f.during;
  return [
    [
      `Forwarding to a fast local app: deliveries forwarded per second (backlog of ${fmt.int(f.capacity.queued)}, concurrency ${f.settings.concurrency})`,
      `${fmt.int(f.capacity.perSecond)}/s`,
      'reported',
      'n/a',
    ],
    [
      `p99 ack while forwarding at ${fmt.int(f.rate)} req/s (forwarding off: ${fmt.ms(f.without.p99)})`,
      `${fmt.ms(d.acks.p99)} (${fmt.int(d.forwardedPerSecond)}/s forwarded, lag p99 ${fmt.ms(d.lag.p99)})`,
      '≤ 10 ms',
      yesNo(d.acks.p99 <= 10 && d.acks.non2xx === 0 && d.acks.errors === 0),
    ],
  ];
}

/** The Markdown section for forwarding. */
export function forwardingSection(f, { table, fmt }) {
  const d = f.during;
  const s = f.settings;
  const row = (name, r, forwarded) => [
    name,
    fmt.int(r.ok),
    fmt.int(r.reqPerSec),
    forwarded,
    fmt.ms(r.p50),
    fmt.ms(r.p99),
    fmt.ms(r.max),
    fmt.int(r.non2xx + r.errors),
    r.serverCores.toFixed(2),
  ];
  return `## Forwarding

A fresh \`hookscope serve\` with one endpoint (\`/bench\`) forwarding to a local \`node:http\` app
(bench/forward-app.mjs, its own process) that reads each body and answers 200 at once; the
forwarder's settings as shipped (concurrency ${s.concurrency}, timeout ${fmt.int(s.timeoutMs)} ms,
${s.maxAttempts} attempts). The 2,048-byte JSON body with a unique event id, autocannon over
${CONNECTIONS} connections.

- Capacity: ${fmt.int(f.capacity.queued)} deliveries queued with forwarding paused, then resumed
  with nothing else arriving: all ${fmt.int(f.capacity.forwarded)} reached the app in
  ${f.capacity.seconds.toFixed(1)} s, **${fmt.int(f.capacity.perSecond)} forwarded per second**
  (from the app's count, between 10% and 90% of the backlog).
- While forwarding: ${fmt.int(f.rate)} req/s offered (${Math.round(RATE_SHARE * 100)}% of that
  capacity, at most ${fmt.int(MAX_RATE)}) for ${f.seconds} s; the app received
  ${fmt.int(d.forwardedPerSecond)} per second, ${fmt.int(d.behindAtEnd)} deliveries were still
  to be forwarded when the posting stopped, and ${fmt.int(d.lag.matched)} of the ${fmt.int(d.acks.ok)}
  acked reached the app after it (${fmt.int(d.forwarded)} requests in all: autocannon's end cuts
  off the answers of up to one request a connection, stored and forwarded all the same). Lag
  from a delivery's 2xx to its arrival at the app (system clock): p50 ${fmt.ms(d.lag.p50)}, p99 ${fmt.ms(d.lag.p99)}, max ${fmt.ms(d.lag.max)}.
  Dead letters at the end: ${fmt.int(f.deadLetters)}.

${table(
  ['run', '2xx', 'req/s', 'forwarded/s', 'p50', 'p99', 'max', 'errors + non-2xx', 'server CPU'],
  [
    row(`${fmt.int(f.rate)} req/s, forwarding`, d.acks, fmt.int(d.forwardedPerSecond)),
    row(`${fmt.int(f.rate)} req/s, forwarding off`, f.without, '–'),
  ],
)}
`;
}
