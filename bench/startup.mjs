// Startup benchmark (docs/ARCHITECTURE.md §9): wall time from spawning `hookscope serve` headless to its
// JSON ready line, on fresh data dirs and on one that already holds events.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { api, median, startHookscope, stopChild, tempDir } from './lib.mjs';

/** Time for `node -e 0` to start and exit: the floor under any headless start. */
function nodeFloorMs() {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore', timeout: 10_000 });
  return performance.now() - t0;
}

/**
 * Starts hookscope `runs` times on fresh data dirs, then once on `existingDir` (if given),
 * each time stopping it (SIGTERM) before the next start.
 */
export async function runStartup({ runs, existingDir, log = () => {} }) {
  const floor = [];
  for (let i = 0; i < 3; i++) floor.push(nodeFloorMs());

  log(`startup: ${runs} starts on fresh data dirs`);
  const fresh = [];
  for (let i = 0; i < runs; i++) {
    const proc = await startHookscope(tempDir());
    fresh.push(proc.ms);
    await stopChild(proc);
  }
  const out = {
    runs,
    freshMs: fresh,
    median: median(fresh),
    max: Math.max(...fresh),
    nodeFloorMs: median(floor),
  };

  if (existingDir) {
    log('startup: one start on the data dir of the ingest run');
    const proc = await startHookscope(existingDir);
    try {
      out.existing = { ms: proc.ms, events: (await api(proc.ready, 'getStatus')).events };
    } finally {
      await stopChild(proc);
    }
  }
  return out;
}
