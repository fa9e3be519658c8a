import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagedBindingPath } from '../../scripts/after-pack.mjs';
import {
  displayProblem,
  fallbackMessage,
  planStart,
  type StartFacts,
} from '../../scripts/start-plan.mjs';

const facts: StartFacts = {
  root: '/repo',
  display: null,
  electron: '/repo/node_modules/electron/dist/electron',
  electronVersion: '45.5.0',
  binding: '/repo/.electron-abi/electron-45.5.0-linux-x64/better_sqlite3.node',
  platform: 'linux',
  isRoot: false,
  nodePath: '/usr/bin/node',
  env: { PATH: '/bin', DISPLAY: ':0' },
  args: [],
};

describe('npm start', () => {
  it('opens the window with the Electron-ABI better-sqlite3 when it has everything', () => {
    const plan = planStart({ ...facts, env: { ...facts.env, ELECTRON_RUN_AS_NODE: '1' } });
    expect(plan).toEqual({
      kind: 'electron',
      command: facts.electron,
      args: ['/repo'],
      env: { PATH: '/bin', DISPLAY: ':0', HOOKSCOPE_SQLITE_BINDING: facts.binding },
    });
  });

  it('turns Chromium’s sandbox off only for root on Linux, and says so', () => {
    const plan = planStart({ ...facts, isRoot: true });
    expect(plan.args).toEqual(['--no-sandbox', '/repo']);
    expect(plan.note).toMatch(/root/);
    expect(planStart({ ...facts, isRoot: true, platform: 'darwin' }).args).toEqual(['/repo']);
  });

  it('falls back to hookscope serve in the browser, with one clear reason', () => {
    const serve = [join('/repo', 'out', 'main', 'cli.js'), 'serve', '--no-open'];
    const noElectron = planStart({ ...facts, electron: null, binding: null, args: ['--no-open'] });
    expect(noElectron).toMatchObject({ kind: 'serve', command: '/usr/bin/node', args: serve });
    expect(noElectron.reason).toBe(
      'Electron is not installed and could not be downloaded (offline?)',
    );
    expect(fallbackMessage(noElectron.reason!)).toBe(
      'Hookscope: Electron is not installed and could not be downloaded (offline?); ' +
        'starting `hookscope serve` with the UI in your browser instead.',
    );
    expect(fallbackMessage(noElectron.reason!)).not.toContain('\n');
    expect(planStart({ ...facts, binding: null }).reason).toBe(
      'could not get better-sqlite3 for Electron 45.5.0',
    );
    const noDisplay = displayProblem('linux', { PATH: '/bin' });
    expect(noDisplay).toMatch(/DISPLAY/);
    expect(planStart({ ...facts, display: noDisplay }).reason).toBe(noDisplay);
  });

  it('needs a display on Linux only', () => {
    expect(displayProblem('linux', { DISPLAY: ':99' })).toBeNull();
    expect(displayProblem('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeNull();
    expect(displayProblem('darwin', {})).toBeNull();
    expect(displayProblem('win32', {})).toBeNull();
  });
});

describe('npm run dist', () => {
  it('replaces better-sqlite3 where the packaged app loads it from', () => {
    const tail = [
      'app.asar.unpacked',
      'node_modules',
      'better-sqlite3',
      'build',
      'Release',
      'better_sqlite3.node',
    ];
    expect(
      packagedBindingPath({
        appOutDir: '/d/linux-unpacked',
        platform: 'linux',
        productFilename: 'Hookscope',
      }),
    ).toBe(join('/d/linux-unpacked', 'resources', ...tail));
    expect(
      packagedBindingPath({
        appOutDir: '/d/mac',
        platform: 'darwin',
        productFilename: 'Hookscope',
      }),
    ).toBe(join('/d/mac', 'Hookscope.app', 'Contents', 'Resources', ...tail));
  });
});
