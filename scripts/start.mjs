#!/usr/bin/env node
// `npm start`: build, make sure Electron and an Electron-ABI better-sqlite3 exist, open the
// window. Where Electron cannot be had (offline, no display), say so in one line and run
// `hookscope serve` with the UI in the default browser instead. The decision is
// scripts/start-plan.mjs; this file only gathers the facts and carries it out.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { electronSqlite, installedElectronVersion } from './electron-sqlite.mjs';
import { displayProblem, fallbackMessage, planStart } from './start-plan.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

function electronBinary() {
  const dir = dirname(require.resolve('electron/package.json'));
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function fetchElectron() {
  // electron has no install script here; its own installer fetches the binary on demand.
  spawnSync(
    process.execPath,
    [join(dirname(require.resolve('electron/package.json')), 'install.js')],
    {
      stdio: 'ignore',
      cwd: root,
    },
  );
  return electronBinary();
}

const built = spawnSync('npm', ['run', 'build', '--silent'], {
  stdio: 'inherit',
  cwd: root,
  shell: process.platform === 'win32',
});
if (built.status !== 0) process.exit(1);

const display = displayProblem(process.platform, process.env);
const electron = display ? null : (electronBinary() ?? fetchElectron());
const electronVersion = installedElectronVersion(root);
const binding = electron ? electronSqlite(root, { version: electronVersion }) : null;
const plan = planStart({
  root,
  display,
  electron,
  electronVersion,
  binding,
  platform: process.platform,
  isRoot: process.getuid?.() === 0,
  nodePath: process.execPath,
  env: process.env,
  args: process.argv.slice(2),
});

if (plan.kind === 'serve') console.log(fallbackMessage(plan.reason));
if (plan.note) console.log(plan.note);
const child = spawn(plan.command, plan.args, { stdio: 'inherit', env: plan.env, cwd: root });
// Ctrl+C in a terminal already reaches the child (same process group); passing it on as well
// would be a second Ctrl+C, which makes `hookscope serve` exit without its clean shutdown.
process.on('SIGINT', () => {
  if (!process.stdin.isTTY) child.kill('SIGINT');
});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 0));
