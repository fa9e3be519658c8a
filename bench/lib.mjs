// Shared helpers for the benchmark: child processes that are always cleaned up, temp dirs,
// the control API, the request body and percentiles.
import { spawn } from 'node:child_process';
import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'out', 'main', 'cli.js');
export const BARE_SERVER = join(ROOT, 'bench', 'bare-server.mjs');
export const LEAN_SERVER = join(ROOT, 'bench', 'lean-server.mjs');

/**
 * How long this machine takes to make a small write durable: `runs` times, 4 KB written to a
 * file in `dir` and fsync'd; p50/p99/max in ms. Every durable ack waits for one of these.
 */
export function fsyncLatency(dir, runs = 200) {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 7);
  const samples = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      writeSync(fd, block, 0, block.length, (i % 16) * 4096);
      fsyncSync(fd);
      samples.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1) };
}

const children = new Set();
const tempDirs = new Set();

/** Kills every child still running (SIGKILL: used on exit and on errors). */
export function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** Removes the temp dirs made by `tempDir`. */
export function removeTempDirs() {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let guarded = false;
/**
 * Makes sure no child outlives the bench: killed on normal exit, on SIGINT/SIGTERM, on an
 * uncaught error, and after `maxMs` whatever happens.
 */
export function guardProcess(maxMs) {
  if (guarded) return;
  guarded = true;
  process.on('exit', () => {
    killAll();
    removeTempDirs();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      process.stderr.write(`bench: ${signal}, stopping\n`);
      process.exit(130);
    });
  }
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${maxMs / 1000} s, giving up\n`);
    process.exit(1);
  }, maxMs);
  watchdog.unref();
}

/** A fresh temp dir, removed when the bench exits. */
export function tempDir(prefix = 'hookscope-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

const FS_TYPES = { 0xef53: 'ext4', 0x01021994: 'tmpfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs' };
/** The file system type of `path` (fsync costs nothing on tmpfs, which would flatter us). */
export function fsType(path) {
  try {
    const t = statfsSync(path).type;
    return FS_TYPES[t] ?? `0x${t.toString(16)}`;
  } catch {
    return 'unknown';
  }
}

/**
 * Spawns `node <args>` and resolves when it prints its JSON ready line on stdout, with the
 * parsed line and the wall time from spawn to that line. Rejects (and kills the child) if it
 * exits first or takes longer than `timeoutMs`.
 */
export function spawnReady(args, { timeoutMs = 10_000, env = process.env } = {}) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => {
    if (stderr.length < 4000) stderr += s;
  });
  const exited = new Promise((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal })),
  );
  return new Promise((resolveReady, reject) => {
    const fail = (message) => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(new Error(`${message}: node ${args.join(' ')}\n${stderr}`.trim()));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code, signal) => fail(`exited (code ${code}, signal ${signal})`);
    child.once('exit', onExit);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if (msg.event === 'ready') {
        const ms = performance.now() - t0;
        clearTimeout(timer);
        child.off('exit', onExit);
        lines.removeAllListeners('line');
        child.stdout.resume();
        resolveReady({ child, ready: msg, ms, exited });
      } else if (msg.event === 'error') {
        fail(`child reported an error (${msg.message})`);
      }
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with how it ended. */
export async function stopChild(proc, graceMs = 10_000) {
  const { child, exited } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

/** Starts `hookscope serve` on `dataDir` with free ports; resolves at its ready line. */
export function startHookscope(dataDir, opts = {}) {
  return spawnReady(
    [
      ...(opts.nodeArgs ?? []),
      CLI,
      'serve',
      '--data-dir',
      dataDir,
      '--receiver-port',
      '0',
      '--api-port',
      '0',
      '--no-open',
      '--json',
    ],
    opts,
  );
}

/** Calls a control API command of a running `hookscope serve`. */
export async function api(ready, command, input = {}) {
  const res = await fetch(`${ready.apiUrl}/api/${command}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ready.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${command}: HTTP ${res.status} ${JSON.stringify(body)}`);
  const engine = /engine;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
  if (engine && body && typeof body === 'object') engineTimes.set(body, Number(engine[1]));
  return body;
}

const engineTimes = new WeakMap();

/**
 * How long the engine took to answer (ms, its Server-Timing: the command without HTTP and
 * JSON) for an answer `api` returned, or NaN.
 */
export function engineMs(answer) {
  return (answer && typeof answer === 'object' && engineTimes.get(answer)) ?? NaN;
}

/** The event id in `webhookBody`; the load generator stamps a unique value over it. */
export const EVENT_ID_PLACEHOLDER = 'evt_' + '0'.repeat(24);

/**
 * A webhook-like JSON body (a Stripe-style `payment_intent.succeeded`) of exactly `size`
 * bytes, padded in its description field.
 */
export function webhookBody(size = 2048) {
  const event = {
    id: EVENT_ID_PLACEHOLDER,
    object: 'event',
    api_version: '2024-06-20',
    created: 1724100000,
    type: 'payment_intent.succeeded',
    livemode: false,
    pending_webhooks: 1,
    request: { id: 'req_8fGh2KlmNopQ3r', idempotency_key: 'b7d5c1e2-6f0a-4c39-9a8e-2d4f1b6c7e90' },
    data: {
      object: {
        id: 'pi_3PqR8sLkdIwHu7ix0a1B2c3D',
        object: 'payment_intent',
        amount: 4999,
        amount_received: 4999,
        currency: 'eur',
        status: 'succeeded',
        capture_method: 'automatic',
        confirmation_method: 'automatic',
        customer: 'cus_QhT5uVwXyZ0aBc',
        payment_method: 'pm_1PqR8rLkdIwHu7ixDeFgHiJk',
        payment_method_types: ['card'],
        latest_charge: 'ch_3PqR8sLkdIwHu7ix0LmNoPqR',
        receipt_email: 'jane.doe@example.com',
        metadata: { order_id: 'ORD-2024-081542', cart_items: '3', channel: 'web' },
        shipping: {
          name: 'Jane Doe',
          address: {
            line1: '12 Rue de la Paix',
            line2: 'Apt 4B',
            city: 'Paris',
            postal_code: '75002',
            country: 'FR',
          },
        },
        description: '',
      },
    },
  };
  const base = Buffer.byteLength(JSON.stringify(event));
  if (base > size) throw new Error(`body template is ${base} bytes, more than ${size}`);
  const words = 'Order for 3 items: wireless headphones, USB-C cable, travel case. ';
  event.data.object.description = words.repeat(Math.ceil((size - base) / words.length) + 1);
  event.data.object.description = event.data.object.description.slice(0, size - base);
  const text = JSON.stringify(event);
  if (Buffer.byteLength(text) !== size) throw new Error('body size mismatch');
  return text;
}

/** POSTs a JSON body to the receiver; throws unless it answers 200; resolves with the ms taken. */
export async function postJson(url, body) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`receiver answered ${res.status}`);
  return performance.now() - t0;
}

/** Percentile by nearest rank over an ascending-sorted array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Median of numbers (not necessarily sorted). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Grows a Float64Array as values are pushed (latencies of one run). */
export class Samples {
  constructor(capacity = 1 << 16) {
    this.data = new Float64Array(capacity);
    this.length = 0;
  }

  push(v) {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  sorted() {
    return this.data.slice(0, this.length).sort();
  }
}

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  ms: (n) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : 'n/a'),
  ratio: (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a'),
};

const CLK_TCK = 100; // USER_HZ on Linux

/** CPU ticks of a process (every thread), or of its main thread alone (`/proc/<pid>/task/<pid>`). */
function processTicks(pid, mainThread = false) {
  try {
    const stat = readFileSync(
      mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`,
      'utf8',
    );
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return NaN;
  }
}

function machineTicks() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu.map(Number);
    return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
  } catch {
    return null;
  }
}

/**
 * Measures CPU use over a run (Linux /proc; NaN elsewhere), in cores: the server process,
 * this process (the load generator) and everything else on the machine. "Other" tells
 * whether the run shared the machine with unrelated work, which the ratio cannot cancel.
 * `serverMain` is the server's main thread alone (its event loop: what an ack waits for),
 * without SQLite's checkpointer, libuv's pool and V8's GC helpers.
 */
export function cpuMeter(serverPid) {
  const t0 = performance.now();
  const m0 = machineTicks();
  const s0 = processTicks(serverPid);
  const sm0 = processTicks(serverPid, true);
  const b0 = processTicks(process.pid);
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const m1 = machineTicks();
    const cores = (ticks) => ticks / CLK_TCK / seconds;
    const server = cores(processTicks(serverPid) - s0);
    const serverMain = cores(processTicks(serverPid, true) - sm0);
    const bench = cores(processTicks(process.pid) - b0);
    if (!m0 || !m1) return { server, serverMain, bench, other: NaN, steal: NaN };
    const busy = cores(m1.busy - m0.busy);
    return {
      server,
      serverMain,
      bench,
      other: Math.max(0, busy - server - bench),
      steal: cores(m1.steal - m0.steal),
    };
  };
}
