// Where the receiver's main thread spends its time per delivery, from a V8 CPU profile
// (`node --cpu-prof`) of `hookscope serve` under load. Each sample is put in the phase of the
// innermost frame of its stack that names one (the bundle keeps function names), so a phase's
// time includes what it calls: the commit's time includes waiting for its fsync, since the
// main thread blocks in COMMIT. Profiling slows everything a little: the phases are shares of
// a profiled run, the headline CPU figures come from an unprofiled one.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Phases in the order reported; `frames` are function names (first match from the leaf up). */
export const PHASES = [
  { name: 'duplicate check (the idempotency SELECT)', frames: ['classify'] },
  { name: 'INSERT of the event, its body and counters', frames: ['insertOne'] },
  {
    name: 'transaction: BEGIN, COMMIT (incl. its fsync wait)',
    frames: ['commitBatch', 'sqliteTransaction', 'transaction'],
  },
  {
    name: 'inspect: event type, signature, schema, idempotency key',
    frames: [
      'inspect',
      'signatureInput',
      'resolveScheme',
      'verify',
      'runChecks',
      'readJsonBody',
      'nestedDeeperThan',
      'genericKey',
      'senderOf',
    ],
  },
  { name: 'live push to the UI', frames: ['publishSummaries'] },
  { name: 'response (write, socket)', frames: ['reply', 'writev', 'writeHead', '_writeRaw'] },
  { name: 'garbage collection', frames: ['(garbage collector)'] },
];
const STARTUP = ['compileSourceTextModule', 'compileForInternalLoader', 'loadESM', 'require'];
const OTHER = 'HTTP parsing, body reading and the rest';

/** The main thread's profile in `dir` (the thread id after the pid is 0). */
export function mainProfile(dir) {
  const f = readdirSync(dir)
    .filter((x) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(x))
    .sort()[0];
  if (!f) throw new Error(`no main-thread CPU profile in ${dir}`);
  return JSON.parse(readFileSync(join(dir, f), 'utf8'));
}

/** ms by phase (idle and start-up left out) from a V8 `.cpuprofile`. */
export function phaseTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map();
  const phaseOf = (id) => {
    if (memo.has(id)) return memo.get(id);
    let phase = OTHER;
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at).callFrame.functionName;
      if (name === '(idle)' || name === '(program)') {
        phase = null;
        break;
      }
      if (STARTUP.includes(name)) {
        phase = null;
        break;
      }
      const hit = PHASES.find((p) => p.frames.includes(name));
      if (hit) {
        phase = hit.name;
        break;
      }
    }
    memo.set(id, phase);
    return phase;
  };
  const ms = new Map([...PHASES.map((p) => [p.name, 0]), [OTHER, 0]]);
  profile.samples.forEach((id, i) => {
    const phase = phaseOf(id);
    if (phase) ms.set(phase, ms.get(phase) + profile.timeDeltas[i] / 1000);
  });
  return ms;
}
