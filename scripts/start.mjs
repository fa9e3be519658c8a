#!/usr/bin/env node
// `npm start`: build, make sure Electron and an Electron-ABI better-sqlite3 exist, open the
// window. Where Electron cannot be had (offline), say so in one line and run
// `hookscope serve` with the UI in the default browser instead.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const isWin = process.platform === 'win32';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, shell: isWin, ...opts });
  return r.status === 0;
}

function electronBinary() {
  const dir = dirname(require.resolve('electron/package.json'));
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

/** better-sqlite3 built for Electron's ABI, kept apart from the Node build `npm test` uses. */
function electronSqlite(version) {
  const out = join(
    root,
    '.electron-abi',
    `electron-${version}-${process.platform}-${process.arch}`,
  );
  const binding = join(out, 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  const work = join(root, '.electron-abi', 'build');
  rmSync(work, { recursive: true, force: true });
  cpSync(dirname(require.resolve('better-sqlite3/package.json')), work, {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
  });
  const prebuild = require.resolve('prebuild-install/bin.js');
  const common = [`--target=${version}`, `--arch=${process.arch}`];
  const ok =
    run(process.execPath, [prebuild, '--runtime=electron', ...common], { cwd: work }) ||
    run(
      'npx',
      [
        '--yes',
        'node-gyp',
        'rebuild',
        '--release',
        ...common,
        '--dist-url=https://electronjs.org/headers',
      ],
      {
        cwd: work,
      },
    );
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!ok || !existsSync(built)) return null;
  mkdirSync(out, { recursive: true });
  cpSync(built, binding);
  rmSync(work, { recursive: true, force: true });
  return binding;
}

function serveInBrowser(reason) {
  console.log(
    `Hookscope: ${reason}; starting \`hookscope serve\` with the UI in your browser instead.`,
  );
  const child = spawn(
    process.execPath,
    [join(root, 'out', 'main', 'cli.js'), 'serve', ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (!run('npm', ['run', 'build', '--silent'])) process.exit(1);

let electron = electronBinary();
if (!electron) {
  // electron has no install script here; its own installer fetches the binary lazily.
  run(process.execPath, [join(dirname(require.resolve('electron/package.json')), 'install.js')], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  electron = electronBinary();
}
if (!electron) {
  serveInBrowser('Electron is not installed and could not be downloaded (offline?)');
} else {
  const version = JSON.parse(
    readFileSync(require.resolve('electron/package.json'), 'utf8'),
  ).version;
  const binding = electronSqlite(version);
  if (!binding) {
    serveInBrowser(`could not get better-sqlite3 for Electron ${version}`);
  } else {
    const child = spawn(electron, [root], {
      stdio: 'inherit',
      env: { ...process.env, HOOKSCOPE_SQLITE_BINDING: binding },
    });
    child.on('exit', (code) => process.exit(code ?? 0));
  }
}
