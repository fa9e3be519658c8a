import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  desktopDataDir,
  desktopEngineOptions,
  DESKTOP_RECEIVER_PORT,
} from '../../src/main/engine-options';
import {
  claimSingleInstance,
  installCleanShutdown,
  readyLine,
  userDataDir,
  type AppLike,
} from '../../src/main/lifecycle';
import { DEFAULT_PREFS, parsePrefs, PrefsFile } from '../../src/main/prefs';
import { FileSecretStore } from '../../src/core/secrets';
import { tempDir } from '../helpers/engine';

class FakeApp extends EventEmitter {
  lock = true;
  quits = 0;
  requestSingleInstanceLock() {
    return this.lock;
  }
  quit() {
    this.quits++;
    // Like Electron: quitting emits before-quit, and quits unless it is prevented.
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    this.emit('before-quit', event);
    if (!event.prevented) this.emit('quit');
  }
}
const asApp = (a: FakeApp) => a as unknown as AppLike;

describe('single instance', () => {
  it('focuses the first window when launched again', () => {
    const app = new FakeApp();
    const focus = vi.fn();
    expect(claimSingleInstance(asApp(app), focus)).toBe(true);
    app.emit('second-instance');
    expect(focus).toHaveBeenCalledOnce();
  });

  it('quits the second instance at once', () => {
    const app = new FakeApp();
    app.lock = false;
    expect(claimSingleInstance(asApp(app), vi.fn())).toBe(false);
    expect(app.quits).toBe(1);
  });
});

describe('clean shutdown', () => {
  it('stops the engine before quitting, once, however often quit is asked', async () => {
    const app = new FakeApp();
    const proc = new EventEmitter();
    const order: string[] = [];
    let finish!: () => void;
    const stop = vi.fn(
      () =>
        new Promise<void>((r) => {
          order.push('stop');
          finish = () => {
            order.push('stopped');
            r();
          };
        }),
    );
    app.on('quit', () => order.push('quit'));
    installCleanShutdown(asApp(app), stop, proc as unknown as NodeJS.Process);
    app.quit();
    app.quit();
    proc.emit('SIGINT');
    await Promise.resolve();
    expect(order).toEqual(['stop']);
    finish();
    await vi.waitFor(() => expect(order).toEqual(['stop', 'stopped', 'quit']));
    expect(stop).toHaveBeenCalledOnce();
  });

  it('quits on SIGTERM, and even when stopping failed', async () => {
    const app = new FakeApp();
    const proc = new EventEmitter();
    const log = vi.fn();
    const quit = vi.fn();
    app.on('quit', quit);
    installCleanShutdown(
      asApp(app),
      () => Promise.reject(new Error('db busy')),
      proc as unknown as NodeJS.Process,
      log,
    );
    proc.emit('SIGTERM');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
    expect(log).toHaveBeenCalledWith(expect.stringContaining('db busy'));
  });
});

describe('paths and options', () => {
  it('puts userData where hookscope serve keeps its data, unless told otherwise', () => {
    expect(userDataDir({ switchValue: '', env: {}, appData: '/home/u/.config' })).toBe(
      join('/home/u/.config', 'Hookscope'),
    );
    expect(
      userDataDir({ switchValue: '', env: { HOOKSCOPE_USER_DATA_DIR: '/t' }, appData: '/a' }),
    ).toBe('/t');
    expect(
      userDataDir({ switchValue: '/s', env: { HOOKSCOPE_USER_DATA_DIR: '/t' }, appData: '/a' }),
    ).toBe('/s');
    expect(desktopDataDir('/ud', {})).toBe('/ud');
    expect(desktopDataDir('/ud', { HOOKSCOPE_DATA_DIR: '/d' })).toBe('/d');
  });

  it('passes the Electron-ABI better-sqlite3 only when npm start gave one', () => {
    const secrets = new FileSecretStore('/nowhere');
    expect(desktopEngineOptions('/d', {}, secrets)).toEqual({
      dataDir: '/d',
      receiverPort: DESKTOP_RECEIVER_PORT,
      fallbackToFreePort: true,
      secretStore: secrets,
    });
    expect(
      desktopEngineOptions('/d', { HOOKSCOPE_SQLITE_BINDING: '/abi/b.node' }, secrets)
        .nativeBinding,
    ).toBe('/abi/b.node');
  });

  it('prints a one-line JSON ready marker', () => {
    const line = readyLine({ receiverUrl: 'http://127.0.0.1:7700', dataDir: '/d', version: '1' });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      event: 'ready',
      receiverUrl: 'http://127.0.0.1:7700',
      dataDir: '/d',
      version: '1',
    });
  });
});

describe('preferences', () => {
  it('validates field by field and persists changes', () => {
    expect(parsePrefs(null)).toEqual(DEFAULT_PREFS);
    expect(parsePrefs({ notifications: 'yes', theme: 'pink' })).toEqual(DEFAULT_PREFS);
    const { dir, cleanup } = tempDir('hookscope-prefs-');
    try {
      const file = join(dir, 'preferences.json');
      expect(new PrefsFile(file).get()).toEqual(DEFAULT_PREFS);
      new PrefsFile(file).set({ notifications: false, theme: 'dark' });
      expect(new PrefsFile(file).get()).toEqual({ notifications: false, theme: 'dark' });
    } finally {
      cleanup();
    }
  });
});
