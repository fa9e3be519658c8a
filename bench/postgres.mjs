// The team server's ingest (issue 17): `hookscope serve --database` on a throwaway PostgreSQL
// 15 (scripts/pg-cluster.mjs, fsync on, synchronous_commit on), the same load as the SQLite
// ingest (bench/ingest.mjs), with one instance and with two on one database. Server CPU per
// delivery (the hookscope processes) and database CPU per delivery (every PostgreSQL process)
// say what N instances and one database core could take, and which runs out first.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startCluster } from '../scripts/pg-cluster.mjs';
import { load } from './ingest.mjs';
import { api, startHookscope, stopChild, tempDir, webhookBody } from './lib.mjs';

const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
const CONNECTIONS = 50;
const RATE = 1000;
const RATE_CONNECTIONS = 10;
const CLK_TCK = 100;

/** utime+stime ticks of the postmaster and every process it started (the backends). */
function clusterTicks(postmasterPid) {
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(name);
      if (pid === postmasterPid || Number(f[1]) === postmasterPid) {
        ticks += Number(f[11]) + Number(f[12]);
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return ticks;
}

async function freshDatabase(serverUrl, name) {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

function startOn(url) {
  return startHookscope(tempDir(), {
    timeoutMs: 60_000,
    env: { ...process.env, HOOKSCOPE_DATABASE_URL: url, HOOKSCOPE_SECRET_KEY: SECRET_KEY },
  });
}

/**
 * One measured configuration: `instances` fresh `serve --database` on a fresh database, the
 * load split between them (`connections` in all, or `rate` req/s in all), after a warm-up.
 */
async function measure(cluster, postmasterPid, name, dbName, opts) {
  const { instances, duration, warmup, rate } = opts;
  const url = await freshDatabase(cluster.url, dbName);
  const servers = [];
  try {
    for (let i = 0; i < instances; i++) servers.push(await startOn(url));
    const body = webhookBody(2048);
    const run = (d) =>
      Promise.all(
        servers.map((s) =>
          load(s.ready.receiverUrl, body, {
            connections: Math.max(
              1,
              Math.round((rate ? RATE_CONNECTIONS : CONNECTIONS) / instances),
            ),
            duration: d,
            serverPid: s.child.pid,
            ...(rate ? { overallRate: Math.round(rate / instances) } : {}),
          }),
        ),
      );
    const warm = await run(warmup);
    const t0 = performance.now();
    const db0 = clusterTicks(postmasterPid);
    const runs = await run(duration);
    const seconds = (performance.now() - t0) / 1000;
    const dbCores = (clusterTicks(postmasterPid) - db0) / CLK_TCK / seconds;
    const ok = runs.reduce((s, r) => s + r.ok, 0);
    const okPerSec = runs.reduce((s, r) => s + r.reqPerSec, 0);
    const acked = ok + warm.reduce((s, r) => s + r.ok, 0);
    const stored = (await api(servers[0].ready, 'countEvents')).total;
    const latencies = runs.map((r) => r.p99);
    return {
      name,
      instances,
      reqPerSec: okPerSec,
      p50: Math.max(...runs.map((r) => r.p50)),
      p99: Math.max(...latencies),
      non2xx: runs.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
      serverUsPerReq: runs.reduce((s, r) => s + r.cpu.server * r.durationS * 1e6, 0) / ok,
      dbUsPerReq: (dbCores * seconds * 1e6) / ok,
      serverCores: runs.reduce((s, r) => s + r.cpu.server, 0),
      dbCores,
      benchCores: runs[0].cpu.bench,
      acked,
      stored,
      lost: stored < acked,
    };
  } finally {
    for (const s of servers) await stopChild(s);
  }
}

/** Runs the PostgreSQL ingest part; null (with the reason) when no server can be started. */
export async function runPostgres({ duration, warmup, log = () => {} }) {
  let cluster;
  try {
    cluster = await startCluster({ fsync: true });
  } catch (err) {
    return { skipped: err instanceof Error ? err.message : String(err) };
  }
  try {
    const postmasterPid = Number(
      readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const out = { duration, warmup, runs: [] };
    const configs = [
      ['one instance, 50 connections', 'hs_one', { instances: 1 }],
      ['two instances, 25 connections each', 'hs_two', { instances: 2 }],
      [`one instance, ${RATE} req/s, 10 connections`, 'hs_rate', { instances: 1, rate: RATE }],
    ];
    for (const [name, db, c] of configs) {
      log(`postgres: ${name}: ${warmup} s warm-up + ${duration} s`);
      out.runs.push(await measure(cluster, postmasterPid, name, db, { ...c, duration, warmup }));
    }
    return out;
  } finally {
    cluster.stop();
  }
}

/** Rows for the targets table (issue 17: reported figures, no targets of their own). */
export function postgresRows(p, ingest, fmt) {
  if (p.skipped) return [['Ingest on PostgreSQL', `not run: ${p.skipped}`, 'reported', 'n/a']];
  const [one, two, rate] = p.runs;
  const vs = ingest
    ? ` = ${fmt.ratio(one.reqPerSec / ingest.bare.reqPerSec)}× bare node:http, ${fmt.ratio(one.reqPerSec / ingest.hookscope.reqPerSec)}× SQLite`
    : '';
  const perServerCore = 1e6 / one.serverUsPerReq;
  const perDbCore = 1e6 / one.dbUsPerReq;
  return [
    [
      'Ingest on PostgreSQL, durable ack, 50 connections (req/s)',
      `${fmt.int(one.reqPerSec)}${vs}; two instances: ${fmt.int(two.reqPerSec)}`,
      'reported',
      'n/a',
    ],
    [
      `p99 ack at ${RATE} req/s on PostgreSQL`,
      `${fmt.ms(rate.p99)} (${fmt.int(rate.reqPerSec)} req/s held, ${rate.non2xx} non-2xx)`,
      'reported',
      'n/a',
    ],
    [
      'PostgreSQL: CPU per delivery, server / database (one instance, 50 connections)',
      `${fmt.int(one.serverUsPerReq)} µs / ${fmt.int(one.dbUsPerReq)} µs: a core runs ${fmt.int(perServerCore)}/s of server, ${fmt.int(perDbCore)}/s of database — ${perDbCore < perServerCore ? 'the database saturates first' : 'the instances saturate first'}`,
      'reported',
      'n/a',
    ],
    [
      'Acked (2xx) deliveries found in the PostgreSQL log',
      p.runs.every((r) => !r.lost)
        ? 'all'
        : `LOST in: ${p.runs
            .filter((r) => r.lost)
            .map((r) => r.name)
            .join(', ')}`,
      'all',
      p.runs.every((r) => !r.lost) ? 'met' : 'NOT met',
    ],
  ];
}

/** The Markdown section. */
export function postgresSection(p, { table, fmt }) {
  if (p.skipped)
    return `## PostgreSQL

Not run: ${p.skipped}.
`;
  const [one] = p.runs;
  const perServerCore = 1e6 / one.serverUsPerReq;
  const perDbCore = 1e6 / one.dbUsPerReq;
  const capacity = [1, 2, 4, 8].map((n) => {
    const cap = Math.min(n * perServerCore, perDbCore);
    return [
      String(n),
      fmt.int(n * perServerCore),
      fmt.int(perDbCore),
      fmt.int(cap),
      n * perServerCore > perDbCore ? 'the database (one core)' : 'the instances',
    ];
  });
  return `## PostgreSQL

\`hookscope serve --database\` on a throwaway PostgreSQL 15 started by the bench
(scripts/pg-cluster.mjs: \`fsync=on\`, \`synchronous_commit=on\`, on this machine's disk), a
fresh database per run; the same body and load generator as the SQLite ingest, ${p.warmup} s
warm-up, ${p.duration} s measured. Two instances share the load (half the connections each, one
autocannon per instance in this process). Server CPU is the hookscope processes', database CPU
every PostgreSQL process's (the postmaster and its backends, from /proc), each per 2xx. On this
2-core machine the instances, the database and the load generator share two cores, so two
instances cannot show scaling: the CPU per delivery says what more cores would take.

${table(
  [
    'run',
    'req/s',
    'p50',
    'p99',
    'non-2xx',
    'server µs/req',
    'database µs/req',
    'server CPU',
    'database CPU',
    'bench CPU',
    'acked / stored',
  ],
  p.runs.map((r) => [
    r.name,
    fmt.int(r.reqPerSec),
    fmt.ms(r.p50),
    fmt.ms(r.p99),
    fmt.int(r.non2xx),
    fmt.int(r.serverUsPerReq),
    fmt.int(r.dbUsPerReq),
    r.serverCores.toFixed(2),
    r.dbCores.toFixed(2),
    r.benchCores.toFixed(2),
    `${fmt.int(r.acked)} / ${fmt.int(r.stored)}`,
  ]),
)}

What N instances (a core each) and one database core could take, from the one-instance CPU per
delivery (${fmt.int(one.serverUsPerReq)} µs server, ${fmt.int(one.dbUsPerReq)} µs database):

${table(['instances', 'instances could take /s', 'one database core could take /s', 'together /s', 'saturates first'], capacity)}
`;
}
