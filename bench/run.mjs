// `npm run bench` (after the build): runs the ingest, startup and UI benchmarks of docs/ARCHITECTURE.md §9
// the soak and flood of issue 8, and issue 16's million events (with the UI on them), a 25 MB
// body, forwarding throughput, and issue 17's ingest on PostgreSQL (one and two instances on a
// throwaway server); prints a table and writes BENCHMARKS.md. Environment:
// BENCH_DURATION (s per measured load run, default 10), BENCH_WARMUP (s, default 2),
// BENCH_STARTUP_RUNS (default 10), BENCH_SOAK_SECONDS (default 300), BENCH_BURST_SECONDS
// (default 15), BENCH_FLOOD_REQUESTS (default 100000), BENCH_MILLION_EVENTS (default
// 1000000), BENCH_MILLION_KEEP (a folder: the million's log is built once and kept there, as
// hookscope-<events>.db, and later runs copy it instead of building it again; the measurements
// run on the copy, so the kept log stays as built), BENCH_PG_MILLION_N (the PostgreSQL
// million's size, default 1000000), BENCH_PG_MILLION_KEEP (a folder: the PostgreSQL cluster of
// that part lives there between runs, its filled log reused, measured on a copy).
// `--only soak,flood` (or BENCH_ONLY)
// runs some parts only; their report then goes to a temp file, never to BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, arch, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { floodRows, floodSection, floodVerdict, runFlood } from './flood.mjs';
import { runIngest } from './ingest.mjs';
import { millionRows, millionSection, runMillion } from './million.mjs';
import { uiOnBigLogRows, uiOnBigLogSection } from './ui-million.mjs';
import { bigBodyRows, bigBodySection, runBigBody } from './big-body.mjs';
import { forwardingRows, forwardingSection, runForwarding } from './forwarding.mjs';
import { postgresRows, postgresSection, runPostgres } from './postgres.mjs';
import { pgMillionRows, pgMillionSection, runPgMillion } from './postgres-million.mjs';
import { CLI, ROOT, fmt, fsType, guardProcess, killAll, tempDir } from './lib.mjs';
import { runSoak, soakRows, soakSection, soakVerdict } from './soak.mjs';
import { runStartup } from './startup.mjs';
import { runUi, uiRows, uiSection } from './ui-latency.mjs';

const TARGET = { p99Ms: 10, startupMs: 1000, rate: 1000 };
/** Above this much CPU used by unrelated processes during a run, the figures are suspect. */
const BUSY_MACHINE_CORES = 0.25;
const PARTS = [
  'ingest',
  'startup',
  'ui',
  'soak',
  'flood',
  'million',
  'bodies',
  'forwarding',
  'postgres',
  'postgres-million',
];

/** The parts to run: all, or those named by `--only a,b` / `--only=a,b` / BENCH_ONLY. */
function selectedParts(argv = process.argv.slice(2)) {
  let only = process.env.BENCH_ONLY || null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only') only = argv[++i] ?? '';
    else if (argv[i].startsWith('--only=')) only = argv[i].slice('--only='.length);
    else
      throw new Error(
        `unknown argument "${argv[i]}" (usage: node bench/run.mjs [--only ${PARTS.join(',')}])`,
      );
  }
  if (only === null) return new Set(PARTS);
  const names = only
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const unknown = names.filter((p) => !PARTS.includes(p));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes some of ${PARTS.join(', ')}; got "${only}"`);
  }
  return new Set(PARTS.filter((p) => names.includes(p)));
}

function envNumber(name, fallback, { min = 0, integer = false } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= min || (integer && !Number.isInteger(n))) {
    throw new Error(
      `${name} must be a ${integer ? 'whole ' : ''}number above ${min}, got "${raw}"`,
    );
  }
  return n;
}

function gitRevision() {
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (rev.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return rev.stdout.trim() + (dirty.stdout.trim() ? ' (src/ has uncommitted changes)' : '');
}

const OVERRIDES = [
  'BENCH_DURATION',
  'BENCH_WARMUP',
  'BENCH_STARTUP_RUNS',
  'BENCH_SOAK_SECONDS',
  'BENCH_BURST_SECONDS',
  'BENCH_FLOOD_REQUESTS',
  'BENCH_ONLY',
  'BENCH_MILLION_EVENTS',
  'BENCH_MILLION_KEEP',
  'BENCH_PG_MILLION_N',
  'BENCH_PG_MILLION_KEEP',
];

function command() {
  const overrides = OVERRIDES.filter((k) => process.env[k])
    .map((k) => `${k}=${process.env[k]} `)
    .join('');
  const base = process.env.npm_lifecycle_event === 'bench' ? 'npm run bench' : 'node bench/run.mjs';
  const args = process.argv.slice(2);
  if (args.length === 0) return overrides + base;
  return `${overrides}${base}${base.startsWith('npm') ? ' --' : ''} ${args.join(' ')}`;
}

const yesNo = (ok) => (ok ? 'met' : 'NOT met');
const cores = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/** Renders rows as a Markdown table (also readable as plain text). */
function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(all[0]),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...all.slice(1).map(line),
  ].join('\n');
}

function ingestRows(ingest) {
  const fr = ingest.fixedRate;
  const rateHeld = fr.reqPerSec >= TARGET.rate * 0.95;
  return [
    [
      'Ingest with durable ack / bare node:http (req/s)',
      `${fmt.ratio(ingest.ratio)} (${fmt.int(ingest.hookscope.reqPerSec)} / ${fmt.int(ingest.bare.reqPerSec)})`,
      'reported (an ack after an fsync cannot keep up with no ack; the lean reference below is the ceiling)',
      'n/a',
    ],
    [
      `p99 ack latency at ${TARGET.rate} req/s (lean reference: ${fmt.ms(ingest.leanFixedRate.p99)})`,
      `${fmt.ms(fr.p99)} (${fmt.int(fr.reqPerSec)} req/s held, ${fr.non2xx} non-2xx)`,
      `≤ ${TARGET.p99Ms} ms, or within 1 ms of the reference`,
      yesNo(
        (fr.p99 <= TARGET.p99Ms || fr.p99 <= ingest.leanFixedRate.p99 + 1) &&
          fr.non2xx === 0 &&
          rateHeld,
      ),
    ],
    [
      `Durable req/s at 50 connections / lean durable reference (fsync here: p50 ${fmt.ms(ingest.fsync.p50)}, p99 ${fmt.ms(ingest.fsync.p99)})`,
      `${fmt.ratio(ingest.leanRatio)} (${fmt.int(ingest.hookscope.reqPerSec)} / ${fmt.int(ingest.lean.reqPerSec)})`,
      '≥ 0.9',
      yesNo(ingest.leanRatio >= 0.9),
    ],
    [
      `Main-thread CPU per delivery / bare node:http, default endpoint, 50 connections (lean reference: ${fmt.ratio(ingest.lean.mainUsPerReq / ingest.bare.mainUsPerReq)})`,
      `${fmt.ratio(ingest.mainRatio)} (${fmt.int(ingest.hookscope.mainUsPerReq)} / ${fmt.int(ingest.bare.mainUsPerReq)} µs; whole process ${fmt.int(ingest.hookscope.cpuUsPerReq)} µs)`,
      '≤ 2.0',
      yesNo(ingest.mainRatio <= 2),
    ],
    [
      `Main-thread CPU per delivery / bare node:http, Stripe endpoint with a secret, every delivery signed (${fmt.int(ingest.stripe.signedValid)} of ${fmt.int(ingest.stripe.stored)} stored verified valid)`,
      `${fmt.ratio(ingest.stripeMainRatio)} (${fmt.int(ingest.stripe.mainUsPerReq)} / ${fmt.int(ingest.bare.mainUsPerReq)} µs; ${fmt.int(ingest.stripe.reqPerSec)} req/s)`,
      '≤ 2.5',
      yesNo(ingest.stripeMainRatio <= 2.5 && ingest.stripe.signedValid === ingest.stripe.stored),
    ],
  ];
}

function startupRows(startup) {
  return [
    [
      `Headless start to ready line, fresh data dir (median of ${startup.runs})`,
      `${fmt.ms(startup.median)} (max ${fmt.ms(startup.max)})`,
      `≤ ${TARGET.startupMs} ms`,
      yesNo(startup.max <= TARGET.startupMs),
    ],
    ...(startup.existing
      ? [
          [
            `Headless start to ready line, ${fmt.int(startup.existing.events)} events stored`,
            fmt.ms(startup.existing.ms),
            `≤ ${TARGET.startupMs} ms`,
            yesNo(startup.existing.ms <= TARGET.startupMs),
          ],
        ]
      : []),
  ];
}

function ingestRuns(ingest) {
  return [
    ['bare node:http, 50 connections', ingest.bare],
    ['hookscope serve, 50 connections', ingest.hookscope],
    ['hookscope serve, Stripe endpoint, 50 connections', ingest.stripe],
    ['lean durable reference, 50 connections', ingest.lean],
    [`bare node:http, ${TARGET.rate} req/s, 10 connections`, ingest.bareFixedRate],
    [`lean durable reference, ${TARGET.rate} req/s, 10 connections`, ingest.leanFixedRate],
    [`hookscope serve, ${TARGET.rate} req/s, 10 connections`, ingest.fixedRate],
  ];
}

/**
 * The targets table, the ingest detail table, the most CPU other processes used during a load
 * run, and the correctness failures (acked events missing, a damaged log) of the parts run.
 */
function report(results) {
  const { ingest, startup, ui, soak, flood, million, bodies, forwarding, postgres, pgMillion } =
    results;
  const lost = ingest ? ingest.checks.filter((c) => !c.ok) : [];
  const failures = lost.map((c) => `acked events missing in ingest (${c.name})`);
  if (soak && !soakVerdict(soak).noneLost) failures.push('acked events missing in the soak');
  if (pgMillion?.check?.length) failures.push('the PostgreSQL million: the log is inconsistent');
  for (const r of postgres?.runs ?? []) {
    if (r.lost) failures.push(`acked events missing on PostgreSQL (${r.name})`);
  }
  if (flood) {
    const v = floodVerdict(flood);
    if (!v.integrity) failures.push(`flood: integrity_check ${flood.integrity}`);
    if (!v.consistent) failures.push('flood: the log does not add up');
  }
  const rows = [
    ...(ingest ? ingestRows(ingest) : []),
    ...(startup ? startupRows(startup) : []),
    ...(million ? millionRows(million, yesNo, fmt) : []),
    ...(million?.ui ? uiOnBigLogRows(million.ui, yesNo, fmt) : []),
    ...(bodies ? bigBodyRows(bodies, yesNo, fmt) : []),
    ...(forwarding ? forwardingRows(forwarding, yesNo, fmt) : []),
    ...(postgres ? postgresRows(postgres, ingest, fmt) : []),
    ...(pgMillion ? pgMillionRows(pgMillion, yesNo, fmt) : []),
    ...(ingest
      ? [
          [
            'Acked (2xx) deliveries found in the log',
            lost.length === 0 ? 'all' : `LOST in: ${lost.map((c) => c.name).join(', ')}`,
            'all',
            yesNo(lost.length === 0),
          ],
        ]
      : []),
    ...(ui ? uiRows(ui, yesNo) : []),
    ...(soak ? soakRows(soak, yesNo) : []),
    ...(flood ? floodRows(flood, yesNo) : []),
  ];
  const targets = table(['Figure', 'Measured', 'Target', 'Result'], rows);
  const others = [
    ...(ingest ? ingestRuns(ingest).map(([, r]) => r.cpu.other) : []),
    ...(soak ? [soak.soak.cpu.other, soak.burst.cpu.other] : []),
    ...(flood ? [flood.flood.cpu.other] : []),
  ].filter(Number.isFinite);
  const busiest = Math.max(0, ...others);
  const detail = ingest
    ? table(
        [
          'Run',
          'req/s',
          'p50',
          'p99',
          'max',
          'non-2xx',
          'errors',
          'server CPU',
          'server µs/req',
          'main thread µs/req',
          'bench CPU',
          'other CPU',
        ],
        ingestRuns(ingest).map(([name, r]) => [
          name,
          fmt.int(r.reqPerSec),
          fmt.ms(r.p50),
          fmt.ms(r.p99),
          fmt.ms(r.max),
          fmt.int(r.non2xx),
          fmt.int(r.errors + r.timeouts),
          cores(r.cpu.server),
          fmt.int(r.cpuUsPerReq),
          fmt.int(r.mainUsPerReq),
          cores(r.cpu.bench),
          cores(r.cpu.other),
        ]),
      )
    : null;
  return { failures, targets, detail, busiest };
}

function ingestSection(ingest, detail) {
  const perSecond = (r) => r.perSecond.map((n) => fmt.int(n)).join(', ');
  return `## Ingest

Same load generator (autocannon 9, in the bench process), same body (a ${ingest.bodyBytes}-byte
webhook-style JSON, \`Content-Type: application/json\`, with a unique event id stamped into
every request so that no delivery is a duplicate of another), \`POST /bench\`, keep-alive, one run.
The bare server is a separate \`node:http\` process that reads the body and answers
\`200 {"ok":true}\`; hookscope is \`hookscope serve\` on a fresh data dir with default settings,
answering only after the group commit (WAL, \`synchronous=FULL\`). Each server gets a
${ingest.warmup} s warm-up, then ${ingest.duration} s measured runs: 50 connections as fast as
they go, then ${TARGET.rate} req/s over 10 connections (on a second fresh hookscope, so that
the backlog of the first run does not colour it; the bare server's fixed-rate run is there as
the floor of the harness). Latency is per 2xx response, from request write to full response,
as timed by autocannon's client. autocannon's \`overallRate\` lets each connection send its
share of the second back to back and then wait, so the ${TARGET.rate} req/s arrive in bursts:
the fixed-rate latency is pessimistic compared with evenly spaced arrivals. CPU columns are
cores used during the measured run (server process, bench process, everything else on the
machine); "server µs/req" is server CPU time per 2xx response (every thread of the process),
"main thread µs/req" the main thread's alone (\`/proc/<pid>/task/<pid>/stat\`: the event loop
every ack goes through; SQLite's checkpointer, libuv's pool and V8's helper threads are left
out). The Stripe run is a third fresh hookscope with one endpoint on \`/bench\`, provider
Stripe and a secret, every request signed as Stripe's SDK signs (HMAC-SHA256 of
\`t.body\`, a new signature per request, computed by the load generator).

${detail}

Main-thread time per delivery by phase, default endpoint, 50 connections, from a run of its
own under node's CPU profiler (\`--cpu-prof\`; bench/phases.mjs puts each sample in the phase
of the innermost function of its stack that names one, so a phase includes what it calls;
idle time and start-up left out). The commit's share includes the time the main thread waits
in COMMIT for its fsync (\`synchronous=FULL\`), which is not CPU; profiling slows the run, so
these are shares to compare, the CPU figures above come from the unprofiled run:

${table(
  ['phase', 'µs per delivery'],
  ingest.phases.map((p) => [p.name, p.usPerDelivery.toFixed(1)]),
)}

2xx responses per second, hookscope at 50 connections: ${perSecond(ingest.hookscope)}
(bare: ${perSecond(ingest.bare)}).

Acked deliveries against the log (getStatus after the runs, warm-up included; when default
retention has already removed events, the newest seq stands for the events inserted, which
holds because every body is unique, so no duplicate bumps the rev counter):
${ingest.checks.map((c) => `- ${c.text}: ${c.ok ? 'ok' : 'ACKED EVENTS MISSING'}`).join('\n')}

`;
}

function startupSection(startup) {
  return `## Startup

Spawn of \`node out/main/cli.js serve --data-dir DIR --receiver-port 0 --api-port 0 --no-open
--json\` to its ready line on stdout, stopped with SIGTERM between runs.

- Fresh data dir, ${startup.runs} runs: median ${fmt.ms(startup.median)}, max ${fmt.ms(startup.max)}
  (${startup.freshMs.map((ms) => Math.round(ms)).join(', ')} ms)
${
  startup.existing
    ? `- Data dir of the ingest run (${fmt.int(startup.existing.events)} events): ${fmt.ms(startup.existing.ms)}\n`
    : ''
}- For scale: \`node -e 0\` takes ${fmt.ms(startup.nodeFloorMs)} here.

`;
}

function markdown(env, results, rendered) {
  const { ingest, startup, ui, soak, flood, million, bodies, forwarding, postgres, pgMillion } =
    results;
  const { targets, detail, busiest } = rendered;
  const cpu = cpus();
  const warn =
    busiest > BUSY_MACHINE_CORES
      ? `\n> **Warning:** other processes used up to ${cores(busiest)} cores during a load run ` +
        '(see "other CPU"); the machine was not quiet, so these figures understate what it can ' +
        'do and the ratio is less reliable than usual.\n'
      : '';
  const ctx = { command: env.command, table, yesNo };
  const partial = env.parts.size < PARTS.length;
  return `# Benchmarks

Produced by \`${env.command}\` on ${env.date}, revision ${env.revision}.
${
  partial
    ? `A partial run (${[...env.parts].join(', ')}); BENCHMARKS.md comes only from a full run.`
    : 'Regenerate with the same command; this file is overwritten by it.'
} Figures are ratios and
latencies measured in one run on one machine (docs/ARCHITECTURE.md §9), not absolute claims.

## Machine

- Node ${process.version}, ${platform()} ${arch()}
- CPU: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores; ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM
- Data dirs: fresh temp dirs under ${tmpdir()} (${ingest?.dataDirFs ?? fsType(tmpdir())})
- Load average when the bench started: ${env.loadavg}
${warn}
## Targets

${targets}

${ingest ? ingestSection(ingest, detail) : ''}${startup ? startupSection(startup) : ''}${
    ui ? `${uiSection(ui)}\n` : ''
  }${soak ? `${soakSection(soak, ctx)}\n` : ''}${flood ? `${floodSection(flood, ctx)}\n` : ''}${
    million ? millionSection(million, { table, fmt }) : ''
  }${million?.ui ? `${uiOnBigLogSection(million.ui, { table, fmt })}\n` : ''}${
    bodies ? `${bigBodySection(bodies, { table, fmt })}\n` : ''
  }${forwarding ? `${forwardingSection(forwarding, { table, fmt })}\n` : ''}${
    postgres ? `${postgresSection(postgres, { table, fmt })}\n` : ''
  }${pgMillion ? `${pgMillionSection(pgMillion, { table, fmt })}\n` : ''}`;
}

/** Formats like `npm run format` would, so that `prettier --check .` accepts the file. */
async function prettierFormat(file, text) {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...config, filepath: file });
  } catch {
    return text;
  }
}

async function main() {
  const parts = selectedParts();
  const duration = envNumber('BENCH_DURATION', 10);
  const warmup = envNumber('BENCH_WARMUP', 2);
  const startupRuns = envNumber('BENCH_STARTUP_RUNS', 10, { integer: true });
  const soakSeconds = envNumber('BENCH_SOAK_SECONDS', 300, { integer: true });
  const burstSeconds = envNumber('BENCH_BURST_SECONDS', 15, { integer: true });
  const floodRequests = envNumber('BENCH_FLOOD_REQUESTS', 100_000, { integer: true, min: 49 });
  const millionEvents = envNumber('BENCH_MILLION_EVENTS', 1_000_000, { integer: true, min: 999 });
  const pgMillionEvents = envNumber('BENCH_PG_MILLION_N', 1_000_000, { integer: true, min: 999 });
  // The first three parts take about 5 minutes; the soak may run slower than its rate on a
  // busy machine, and the flood is assumed to get at least 200 answers a second.
  const maxSeconds =
    600 +
    (parts.has('soak') ? 2 * soakSeconds + burstSeconds + 120 : 0) +
    (parts.has('flood') ? floodRequests / 200 + 120 : 0) +
    (parts.has('million') ? (millionEvents / 1000) * 1.5 + 900 : 0) +
    (parts.has('bodies') ? 300 : 0) +
    (parts.has('forwarding') ? 300 : 0) +
    // The fill (about 1,000 events/s assumed: slower than seen), the retention pass's 10 min.
    (parts.has('postgres-million') ? pgMillionEvents / 1000 + 1500 : 0);
  guardProcess(maxSeconds * 1000);
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);

  const env = {
    command: command(),
    date: new Date().toISOString(),
    revision: gitRevision(),
    loadavg: loadavg()
      .map((n) => n.toFixed(2))
      .join(', '),
    parts,
  };
  const log = (m) => process.stdout.write(`bench: ${m}\n`);
  log(`node ${process.version}, ${cpus().length} cores, load average ${env.loadavg}`);
  log(`parts: ${[...parts].join(', ')}; gives up after ${Math.round(maxSeconds / 60)} min`);

  const results = {};
  if (parts.has('ingest')) results.ingest = await runIngest({ duration, warmup, log });
  if (parts.has('startup')) {
    results.startup = await runStartup({
      runs: startupRuns,
      existingDir: results.ingest?.maxDataDir,
      log,
    });
  }
  if (parts.has('ui')) results.ui = await runUi({ log });
  if (parts.has('soak')) {
    results.soak = await runSoak({ seconds: soakSeconds, burstSeconds, log });
  }
  if (parts.has('flood')) results.flood = await runFlood({ requests: floodRequests, log });
  if (parts.has('bodies')) results.bodies = await runBigBody({ log });
  if (parts.has('forwarding')) results.forwarding = await runForwarding({ log });
  if (parts.has('postgres')) results.postgres = await runPostgres({ duration, warmup, log });
  if (parts.has('postgres-million')) {
    results.pgMillion = await runPgMillion({
      events: pgMillionEvents,
      keep: process.env.BENCH_PG_MILLION_KEEP || null,
      log,
    });
  }
  if (parts.has('million')) {
    results.million = await runMillion({
      dir: tempDir('hookscope-bench-million-'),
      events: millionEvents,
      keep: process.env.BENCH_MILLION_KEEP || null,
      log,
    });
  }

  const rendered = report(results);
  process.stdout.write(`\n${rendered.targets}\n\n`);
  if (rendered.detail) process.stdout.write(`${rendered.detail}\n\n`);
  for (const c of results.ingest?.checks ?? []) {
    process.stdout.write(`${c.text}: ${c.ok ? 'ok' : 'LOST'}\n`);
  }
  if (rendered.busiest > BUSY_MACHINE_CORES) {
    process.stdout.write(
      `\nwarning: other processes used up to ${cores(rendered.busiest)} cores during a run\n`,
    );
  }
  const partial = parts.size < PARTS.length;
  const file = partial
    ? join(tmpdir(), `hookscope-bench-${PARTS.filter((p) => parts.has(p)).join('-')}.md`)
    : join(ROOT, 'BENCHMARKS.md');
  writeFileSync(file, await prettierFormat(file, markdown(env, results, rendered)));
  process.stdout.write(
    `\nwrote ${file}${partial ? ' (a partial run: BENCHMARKS.md left as it was)' : ''}\n`,
  );
  for (const f of rendered.failures) process.stdout.write(`FAILED: ${f}\n`);
  // Missing acked events or a damaged log is a correctness failure; a missed target is a
  // measurement.
  process.exitCode = rendered.failures.length > 0 ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  killAll();
  process.exit(1);
});
