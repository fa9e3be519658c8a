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
  mkdtempSync,
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
 * Starts a fresh server. Resolves with `{ url, port, dir, stop() }`; throws with the reason when
 * no server can be started (no binaries, no postgres user as root, initdb failing).
 */
export async function startCluster({ fsync = true } = {}) {
  const bin = findPgBin();
  if (!bin)
    throw new Error(
      'no PostgreSQL binaries (initdb) found: install postgresql or set HOOKSCOPE_PG_BIN',
    );
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'hookscope-pg-'));
  const data = join(dir, 'data');
  if (user) {
    chownSync(dir, user.uid, user.gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  try {
    run(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale'],
      user,
    );
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
    run(
      join(bin, 'pg_ctl'),
      ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'],
      user,
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
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
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], user);
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
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
