// A throwaway PostgreSQL server for tests and benchmarks: initdb into a temp folder, start it on
// a free loopback port, hand back its URL, and remove everything on stop. PostgreSQL will not
// run as root, so as root the server runs as the `postgres` user (Debian's package makes one).
//
//   node scripts/pg-cluster.mjs            prints the URL, runs until Ctrl+C
//   import { startCluster } from './pg-cluster.mjs'   (test/helpers/postgres.ts, bench)
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The folder holding initdb/pg_ctl: $HOOKSCOPE_PG_BIN, else the newest Debian install, else PATH. */
export function findPgBin() {
  if (process.env.HOOKSCOPE_PG_BIN) return process.env.HOOKSCOPE_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    return initdb ? join(initdb, '..') : null;
  } catch {
    return null;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** uid/gid to run the server as: ourselves, or `postgres` when we are root. */
function serverUser() {
  if (process.getuid?.() !== 0) return null;
  const line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim();
  const [, , uid, gid] = line.split(':');
  return { name: 'postgres', uid: Number(uid), gid: Number(gid) };
}

function run(bin, args, user, opts = {}) {
  const cmd = user ? 'runuser' : bin;
  const argv = user ? ['-u', user.name, '--', bin, ...args] : args;
  return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
}

/**
 * Starts a fresh server. Resolves with `{ url, port, dir, postmasterPid(), restart(), stop() }`;
 * throws with the reason when no server can be started (no binaries, no postgres user as root,
 * initdb failing). With `dir` (a folder kept between runs, the bench's BENCH_PG_MILLION_KEEP)
 * the cluster lives there: made by initdb only the first time, started again on what it holds
 * later, stopped cleanly (`-m fast`) and never removed.
 */
export async function startCluster({ fsync = true, dir: keptDir = null } = {}) {
  const bin = findPgBin();
  if (!bin)
    throw new Error(
      'no PostgreSQL binaries (initdb) found: install postgresql or set HOOKSCOPE_PG_BIN',
    );
  const user = serverUser();
  const dir = keptDir ?? mkdtempSync(join(tmpdir(), 'hookscope-pg-'));
  if (keptDir) mkdirSync(dir, { recursive: true });
  const data = join(dir, 'data');
  if (user) {
    chownSync(dir, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  const logFile = join(dir, 'server.log');
  const remove = () => {
    if (!keptDir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (!existsSync(join(data, 'PG_VERSION'))) {
      run(
        join(bin, 'initdb'),
        ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale'],
        user,
      );
    }
    writeFileSync(
      join(data, 'postgresql.auto.conf'),
      [
        `listen_addresses = '127.0.0.1'`,
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        `fsync = ${fsync ? 'on' : 'off'}`,
        `synchronous_commit = on`,
        `max_connections = 200`,
        `shared_buffers = 128MB`,
        `log_min_messages = warning`,
        '',
      ].join('\n'),
    );
    if (user) chownSync(join(data, 'postgresql.auto.conf'), user.uid, user.gid);
    run(join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-w', '-t', '60', 'start'], user);
  } catch (err) {
    remove();
    const out = `${err.stderr ?? ''}${err.stdout ?? ''}`.trim().split('\n').slice(-3).join(' ');
    throw new Error(`could not start PostgreSQL from ${bin}: ${out || err.message}`, {
      cause: err,
    });
  }
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    /** The postmaster's pid (its backends are its children). */
    postmasterPid() {
      return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    },
    /** A clean shutdown and a start on the same folder and port (shared buffers emptied). */
    restart() {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], user);
      run(join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-w', '-t', '300', 'start'], user);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        // A kept cluster is shut down cleanly: the next start needs no recovery.
        run(
          join(bin, 'pg_ctl'),
          ['-D', data, '-m', keptDir ? 'fast' : 'immediate', '-w', 'stop'],
          user,
        );
      } catch {
        /* already gone */
      }
      remove();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const c = await startCluster();
  console.log(c.url);
  const stop = () => {
    c.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => undefined, 1 << 30);
}
