// better-sqlite3 built for Electron's ABI, kept in .electron-abi/ apart from the Node build in
// node_modules that `npm test` and `hookscope serve` use. `npm start` (scripts/start.mjs) passes
// it to the app in HOOKSCOPE_SQLITE_BINDING; `npm run dist` (scripts/after-pack.mjs) puts it in
// the packaged app in place of the Node build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

/**
 * Where the Electron build for one version, platform and arch is cached.
 * @param {string} root
 * @param {{ version: string, platform: string, arch: string }} t
 */
export function electronSqlitePath(root, t) {
  return join(
    root,
    '.electron-abi',
    `electron-${t.version}-${t.platform}-${t.arch}`,
    'better_sqlite3.node',
  );
}

/** The Electron version in node_modules. */
export function installedElectronVersion(root) {
  const require = createRequire(join(root, 'package.json'));
  return JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
}

/**
 * The cached build, else a prebuilt binary from better-sqlite3's releases (prebuild-install
 * --runtime=electron), else, for this machine's own platform only, a source build with
 * node-gyp against Electron's headers. Works on a copy of the package, so node_modules is never
 * touched. Returns the addon's path, or null when none could be had (offline, no compiler).
 * @param {string} root
 * @param {{ version: string, platform?: string, arch?: string, quiet?: boolean }} t
 * @returns {string | null}
 */
export function electronSqlite(root, t) {
  const platform = t.platform ?? process.platform;
  const arch = t.arch ?? process.arch;
  const binding = electronSqlitePath(root, { version: t.version, platform, arch });
  if (existsSync(binding)) return binding;
  const require = createRequire(join(root, 'package.json'));
  const work = join(root, '.electron-abi', `build-${platform}-${arch}`);
  rmSync(work, { recursive: true, force: true });
  cpSync(dirname(require.resolve('better-sqlite3/package.json')), work, {
    recursive: true,
    filter: (src) => !src.includes(`${sep}better-sqlite3${sep}build`),
  });
  const run = (cmd, args) =>
    spawnSync(cmd, args, {
      cwd: work,
      stdio: t.quiet ? 'ignore' : 'inherit',
      shell: process.platform === 'win32',
    }).status === 0;
  const target = [`--target=${t.version}`, `--arch=${arch}`];
  const ok =
    run(process.execPath, [
      require.resolve('prebuild-install/bin.js'),
      '--runtime=electron',
      `--platform=${platform}`,
      ...target,
    ]) ||
    (platform === process.platform &&
      run('npx', [
        '--yes',
        'node-gyp',
        'rebuild',
        '--release',
        ...target,
        '--dist-url=https://electronjs.org/headers',
      ]));
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!ok || !existsSync(built)) return null;
  mkdirSync(dirname(binding), { recursive: true });
  cpSync(built, binding);
  rmSync(work, { recursive: true, force: true });
  return binding;
}
