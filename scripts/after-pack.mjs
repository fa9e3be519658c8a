// electron-builder's afterPack hook (electron-builder.yml): puts better-sqlite3 built for
// Electron's ABI into the packaged app, in place of the Node build that was copied from
// node_modules. electron-builder's own rebuild (npmRebuild) is off because it rebuilds the
// project's node_modules in place, which would break `npm test` and `hookscope serve`.
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { electronSqlite, installedElectronVersion } from './electron-sqlite.mjs';

const ARCHS = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/**
 * Where the packaged app keeps better-sqlite3's addon (unpacked from app.asar by asarUnpack).
 * @param {{ appOutDir: string, platform: string, productFilename: string }} p
 */
export function packagedBindingPath(p) {
  const resources =
    p.platform === 'darwin' || p.platform === 'mas'
      ? join(p.appOutDir, `${p.productFilename}.app`, 'Contents', 'Resources')
      : join(p.appOutDir, 'resources');
  return join(
    resources,
    'app.asar.unpacked',
    'node_modules',
    'better-sqlite3',
    'build',
    'Release',
    'better_sqlite3.node',
  );
}

/** @param {import('app-builder-lib').AfterPackContext} context */
export async function afterPack(context) {
  const root = resolve(import.meta.dirname, '..');
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  const arch = ARCHS[context.arch];
  if (!arch || arch === 'universal')
    throw new Error(`unsupported arch for better-sqlite3: ${arch}`);
  const version = context.packager.config.electronVersion ?? installedElectronVersion(root);
  const target = packagedBindingPath({
    appOutDir: context.appOutDir,
    platform: context.electronPlatformName,
    productFilename: context.packager.appInfo.productFilename,
  });
  if (!existsSync(target)) {
    throw new Error(`${target} is missing: better-sqlite3's addon must be in asarUnpack`);
  }
  const binding = electronSqlite(root, { version, platform, arch });
  if (!binding) {
    throw new Error(`could not get better-sqlite3 for Electron ${version} ${platform}-${arch}`);
  }
  copyFileSync(binding, target);
  console.log(`  • better-sqlite3 for Electron ${version} ${platform}-${arch} → ${target}`);
}
