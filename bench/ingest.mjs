// Ingest benchmark (docs/ARCHITECTURE.md §9): the same autocannon load, the same 2 KB JSON body, first
// against a bare node:http server, then against `hookscope serve`'s receiver, in one run.
import autocannon from 'autocannon';
import { createHmac } from 'node:crypto';
import {
  BARE_SERVER,
  EVENT_ID_PLACEHOLDER,
  LEAN_SERVER,
  Samples,
  api,
  cpuMeter,
  fmt,
  fsType,
  fsyncLatency,
  percentile,
  spawnReady,
  startHookscope,
  stopChild,
  tempDir,
  webhookBody,
} from './lib.mjs';
import { mainProfile, phaseTimes } from './phases.mjs';

const PATH = '/bench';
const MAX_CONNECTIONS = 50;
const RATE = 1000;
const RATE_CONNECTIONS = 10;

let runSeq = 0;

const STRIPE_SECRET = 'whsec_bench_ingest_0123456789abcdef';
/** A Stripe-Signature of the right length, overwritten in place for every request. */
const SIGNATURE_PLACEHOLDER = `t=${'0'.repeat(10)},v1=${'0'.repeat(64)}`;

/**
 * autocannon's `setupClient`: gives every connection a unique event id in each body, as real
 * webhooks have (identical bodies would all be classified as duplicates of one another). The
 * id is stamped in place into the connection's prebuilt request bytes, which costs the load
 * generator nothing measurable, unlike autocannon's `idReplacement` (it rebuilds every request
 * and halves what the generator can send). Safe because without pipelining the next request
 * is written only after the previous one has been fully sent and answered. Relies on
 * autocannon 9 internals (`requestIterator.currentRequest.requestBuffer`); fails loudly if
 * they change. Each client gets `eventId()`: the id in the request it last sent (the one its
 * next response answers).
 */
function uniqueIds(stripeSecret) {
  const run = String(runSeq++ % 100).padStart(2, '0');
  let clients = 0;
  return (client) => {
    const prefix = run + String(clients++).padStart(3, '0');
    client.setRequests([{}]); // a request object (and buffer) of its own
    const buf = client.requestIterator?.currentRequest?.requestBuffer;
    const at = Buffer.isBuffer(buf) ? buf.indexOf(EVENT_ID_PLACEHOLDER) : -1;
    if (at < 0) throw new Error('cannot stamp event ids: autocannon internals changed');
    const offset = at + 'evt_'.length;
    const sigAt = stripeSecret ? buf.indexOf(SIGNATURE_PLACEHOLDER) : -1;
    if (stripeSecret && sigAt < 0) throw new Error('cannot sign: autocannon internals changed');
    const bodyAt = buf.indexOf('\r\n\r\n') + 4;
    let n = 0;
    const stamp = () => {
      buf.write(prefix + String(n++).padStart(19, '0'), offset, 'latin1');
      if (sigAt >= 0) {
        // Stripe's scheme, as its SDK signs: HMAC-SHA256 of "t.body", stamped in place.
        const t = String(Math.floor(Date.now() / 1000));
        const v1 = createHmac('sha256', stripeSecret)
          .update(`${t}.`)
          .update(buf.subarray(bodyAt))
          .digest('hex');
        buf.write(`t=${t},v1=${v1}`, sigAt, 'latin1');
      }
    };
    stamp();
    client.on('request', stamp);
    client.eventId = () => buf.toString('latin1', at, offset + 24);
  };
}

/**
 * One autocannon run. Latencies are taken per 2xx response from autocannon's client (exact
 * floating-point ms; autocannon's own histogram keeps whole ms only), and 2xx responses are
 * also counted per second to show a timeline. `amount` (instead of `duration`) sends exactly
 * that many requests and waits for their answers; `onResponse(client, status, ms)` sees every
 * response.
 */
export async function load(
  baseUrl,
  body,
  { connections, duration, amount, overallRate, serverPid, onResponse, stripeSecret },
) {
  const latencies = new Samples();
  const perSecond = [];
  let ok = 0;
  let okAtLastTick = 0;
  const instance = autocannon({
    url: `${baseUrl}${PATH}`,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(stripeSecret ? { 'stripe-signature': SIGNATURE_PLACEHOLDER } : {}),
    },
    body,
    connections,
    ...(amount ? { amount } : { duration }),
    timeout: 10,
    setupClient: uniqueIds(stripeSecret),
    ...(overallRate ? { overallRate, ignoreCoordinatedOmission: true } : {}),
  });
  instance.on('response', (client, status, _bytes, responseTime) => {
    if (status >= 200 && status < 300) {
      ok++;
      latencies.push(responseTime);
    }
    onResponse?.(client, status, responseTime);
  });
  const ticker = setInterval(() => {
    perSecond.push(ok - okAtLastTick);
    okAtLastTick = ok;
  }, 1000);
  const cpu = cpuMeter(serverPid);
  let result;
  try {
    result = await instance;
  } finally {
    clearInterval(ticker);
  }
  const cpuCores = cpu();
  const sorted = latencies.sorted();
  return {
    connections,
    overallRate: overallRate ?? null,
    durationS: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    reqPerSec: result['2xx'] / result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    perSecond,
    cpu: cpuCores,
    // Server CPU time per acked request: steadier than req/s when the machine is shared.
    cpuUsPerReq: (cpuCores.server * result.duration * 1e6) / result['2xx'],
    // The main thread's alone: the event loop every ack goes through (issue 16's measure).
    mainUsPerReq: (cpuCores.serverMain * result.duration * 1e6) / result['2xx'],
  };
}

/**
 * Runs the ingest benchmark and returns its figures. `dataDir` of the max-throughput run is
 * returned so that the startup benchmark can reuse a data dir that already holds events.
 */
export async function runIngest({ duration, warmup, log = () => {} }) {
  const body = webhookBody(2048);
  const out = { bodyBytes: Buffer.byteLength(body), duration, warmup, checks: [] };
  const max = { connections: MAX_CONNECTIONS };
  const fixed = { connections: RATE_CONNECTIONS, overallRate: RATE };

  // a. Max throughput, bare node:http; and the same fixed-rate load as (b), for reference:
  // the latency floor of the harness.
  const reference = async (name, args) => {
    log(`${name}: ${warmup} s warm-up + ${duration} s, ${MAX_CONNECTIONS} connections`);
    const server = await spawnReady(args);
    try {
      const run = (opts) => load(server.ready.url, body, { ...opts, serverPid: server.child.pid });
      await run({ ...max, duration: warmup });
      const atMax = await run({ ...max, duration });
      log(`${name} at ${RATE} req/s: ${duration} s`);
      return { atMax, atRate: await run({ ...fixed, duration }) };
    } finally {
      await stopChild(server);
    }
  };
  ({ atMax: out.bare, atRate: out.bareFixedRate } = await reference('bare node:http', [
    BARE_SERVER,
  ]));

  // a. Max throughput, hookscope (fresh data dir, default settings).
  const maxDir = tempDir();
  out.dataDirFs = fsType(maxDir);
  log(`hookscope serve: ${warmup} s warm-up + ${duration} s, ${MAX_CONNECTIONS} connections`);
  const hs = await startHookscope(maxDir);
  try {
    const run = (d) =>
      load(hs.ready.receiverUrl, body, { ...max, duration: d, serverPid: hs.child.pid });
    const warm = await run(warmup);
    out.hookscope = await run(duration);
    out.checks.push(await checkStored(hs.ready, 'max throughput', warm.ok + out.hookscope.ok));
  } finally {
    await stopChild(hs);
  }
  out.ratio = out.hookscope.reqPerSec / out.bare.reqPerSec;
  out.maxDataDir = maxDir;

  // a''. Where the main thread's time goes, by phase: the same load on a fresh hookscope
  // under node's CPU profiler (bench/phases.mjs), shares applied per delivery.
  log(`hookscope serve under the CPU profiler: ${warmup} s warm-up + ${duration} s`);
  const profDir = tempDir();
  const hsProf = await startHookscope(tempDir(), {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
  });
  let profiledOk = 0;
  try {
    const run = (d) =>
      load(hsProf.ready.receiverUrl, body, { ...max, duration: d, serverPid: hsProf.child.pid });
    profiledOk += (await run(warmup)).ok;
    profiledOk += (await run(duration)).ok;
  } finally {
    await stopChild(hsProf); // SIGTERM: the profile is written as the process exits
  }
  out.phases = [...phaseTimes(mainProfile(profDir))].map(([name, ms]) => ({
    name,
    usPerDelivery: (ms * 1000) / profiledOk,
  }));

  // a'. The same on a Stripe endpoint with a secret: every delivery signed as Stripe signs
  // (a fresh signature per request), verified by the receiver before it answers.
  log(`hookscope serve, Stripe endpoint: ${warmup} s warm-up + ${duration} s`);
  const hsStripe = await startHookscope(tempDir());
  try {
    await api(hsStripe.ready, 'saveEndpoint', {
      name: 'Stripe',
      path: PATH,
      provider: 'stripe',
      secrets: [STRIPE_SECRET],
    });
    const run = (d) =>
      load(hsStripe.ready.receiverUrl, body, {
        ...max,
        duration: d,
        serverPid: hsStripe.child.pid,
        stripeSecret: STRIPE_SECRET,
      });
    await run(warmup);
    out.stripe = await run(duration);
    const valid = await api(hsStripe.ready, 'countEvents', {});
    out.stripe.signedValid = valid.signature.valid;
    out.stripe.stored = valid.total;
  } finally {
    await stopChild(hsStripe);
  }

  // c. The durable reference (bench/lean-server.mjs): one INSERT a delivery, group commit,
  // synchronous=FULL, on the same file system; and how long an fsync takes here.
  const leanDir = tempDir();
  out.fsync = fsyncLatency(leanDir);
  ({ atMax: out.lean, atRate: out.leanFixedRate } = await reference('lean durable reference', [
    LEAN_SERVER,
    leanDir,
  ]));
  out.leanRatio = out.hookscope.reqPerSec / out.lean.reqPerSec;
  out.cpuRatio = out.hookscope.cpuUsPerReq / out.bare.cpuUsPerReq;
  out.mainRatio = out.hookscope.mainUsPerReq / out.bare.mainUsPerReq;
  out.stripeMainRatio = out.stripe.mainUsPerReq / out.bare.mainUsPerReq;

  // b. Fixed rate against a fresh hookscope, so the backlog of (a) does not colour it.
  log(`hookscope serve at ${RATE} req/s: ${warmup} s warm-up + ${duration} s`);
  const hs2 = await startHookscope(tempDir());
  try {
    const run = (d) =>
      load(hs2.ready.receiverUrl, body, { ...fixed, duration: d, serverPid: hs2.child.pid });
    const warm = await run(warmup);
    out.fixedRate = await run(duration);
    out.checks.push(await checkStored(hs2.ready, 'fixed rate', warm.ok + out.fixedRate.ok));
  } finally {
    await stopChild(hs2);
  }
  return out;
}

/**
 * No acked delivery lost: every 2xx means "committed", so the log must hold at least as many
 * events as 2xx responses (requests cut off when a run ends may add a few more). The newest
 * seq counts every insert (every body is unique, so no duplicate bumps the rev counter), which
 * also covers events that default retention (100,000) may have removed since.
 */
async function checkStored(ready, name, acked) {
  const status = await api(ready, 'getStatus');
  const newest = await api(ready, 'listEvents', { limit: 1 });
  const inserted = newest.items[0]?.seq ?? 0;
  const removedByRetention = inserted - status.events;
  const stored = removedByRetention > 0 ? inserted : status.events;
  return {
    name,
    acked,
    events: status.events,
    inserted,
    removedByRetention,
    ok: stored >= acked,
    text:
      `${name}: ${fmt.int(acked)} acked (2xx), getStatus.events ${fmt.int(status.events)}` +
      (removedByRetention > 0
        ? `, ${fmt.int(inserted)} inserted (${fmt.int(removedByRetention)} removed by retention)`
        : ''),
  };
}
