import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { commandNames } from '../../src/shared/contract';

// src/main/index.ts run against a fake `electron` (the real one is never loaded in tests):
// checks the wiring of the modules tested one by one in the other files.

const userData = mkdtempSync(join(tmpdir(), 'hookscope-wiring-'));

const fake = await vi.hoisted(async () => {
  // vi.hoisted runs before the imports above, so it imports what it needs itself.
  const { EventEmitter: EE } = await import('node:events');
  class FakeWebContents extends EE {
    sent: [string, unknown][] = [];
    url = '';
    windowOpenHandler: unknown = null;
    setWindowOpenHandler(h: unknown) {
      this.windowOpenHandler = h;
    }
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    isDestroyed() {
      return false;
    }
    getURL() {
      return this.url;
    }
  }
  const windows: FakeWindow[] = [];
  class FakeWindow extends EE {
    webContents = new FakeWebContents();
    shown = false;
    title = '';
    setTitle(t: string) {
      this.title = t;
    }
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    static getAllWindows() {
      return windows;
    }
    async loadURL(url: string) {
      this.webContents.url = url;
      this.emit('ready-to-show');
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    show() {
      this.shown = true;
    }
    focus() {}
    restore() {}
    maximize() {}
    isMaximized() {
      return false;
    }
    getNormalBounds() {
      return { x: 0, y: 0, width: 1280, height: 800 };
    }
  }
  const paths = new Map<string, string>([['appData', '/nonexistent-appdata']]);
  const app = Object.assign(new EE(), {
    isPackaged: false,
    quits: 0,
    commandLine: { getSwitchValue: () => '' },
    getPath: (name: string) => paths.get(name) ?? '',
    setPath: (name: string, p: string) => paths.set(name, p),
    enableSandbox: () => undefined,
    setAppUserModelId: () => undefined,
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    quit() {
      app.quits++;
      const e = { prevented: false, preventDefault: () => (e.prevented = true) };
      app.emit('before-quit', e);
      if (!e.prevented) app.emit('quit');
    },
  });
  const handlers = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
  const protocolHandlers = new Map<string, (r: Request) => Promise<Response>>();
  const privileged: unknown[] = [];
  const session = {
    permissionRequest: null as unknown,
    setPermissionRequestHandler(h: unknown) {
      session.permissionRequest = h;
    },
    setPermissionCheckHandler: () => undefined,
    setDevicePermissionHandler: () => undefined,
  };
  let menu: unknown = null;
  return {
    windows,
    app,
    handlers,
    protocolHandlers,
    privileged,
    session,
    menu: () => menu,
    module: {
      app,
      BrowserWindow: FakeWindow,
      clipboard: { writeText: () => undefined },
      dialog: { showErrorBox: (...a: unknown[]) => console.error('showErrorBox', ...a) },
      ipcMain: {
        handle: (c: string, h: (event: unknown, input: unknown) => Promise<unknown>) =>
          handlers.set(c, h),
        removeHandler: (c: string) => handlers.delete(c),
      },
      Menu: {
        buildFromTemplate: (t: unknown) => t,
        setApplicationMenu: (m: unknown) => (menu = m),
      },
      nativeTheme: { themeSource: 'system', shouldUseDarkColors: false },
      Notification: Object.assign(
        class {
          on() {}
          show() {}
        },
        { isSupported: () => false },
      ),
      protocol: {
        registerSchemesAsPrivileged: (s: unknown[]) => privileged.push(...s),
        handle: (scheme: string, h: (r: Request) => Promise<Response>) =>
          protocolHandlers.set(scheme, h),
      },
      safeStorage: {
        isEncryptionAvailable: () => false,
        encryptString: () => Buffer.alloc(0),
        decryptString: () => '',
      },
      screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
      session: { defaultSession: session },
      shell: { openExternal: () => Promise.resolve() },
    },
  };
});

vi.mock('electron', () => fake.module);

afterAll(() => rmSync(userData, { recursive: true, force: true }));

describe('the desktop main process', () => {
  it('starts the engine, serves the UI, wires IPC and pushes, and stops cleanly', async () => {
    vi.stubEnv('HOOKSCOPE_USER_DATA_DIR', userData);
    vi.stubEnv('HOOKSCOPE_DATA_DIR', '');
    vi.stubEnv('ELECTRON_RENDERER_URL', '');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((l: unknown) => {
      lines.push(String(l));
    });
    await import('../../src/main/index');
    await vi.waitFor(() => expect(lines.some((l) => l.includes('"ready"'))).toBe(true), {
      timeout: 10_000,
    });
    log.mockRestore();
    const ready = JSON.parse(lines.find((l) => l.includes('"ready"'))!) as {
      receiverUrl: string;
      dataDir: string;
    };
    expect(ready.dataDir).toBe(userData);

    // One secure window on the app scheme, with the contract's names for the preload.
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;
    expect(win.webContents.url).toBe('app://hookscope/index.html');
    expect(win.shown).toBe(true);
    // The title names the workspace shown: Local until a server is chosen.
    expect(win.title).toBe('Hookscope — Local');
    expect(win.listenerCount('page-title-updated')).toBe(1);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect((prefs.additionalArguments as string[])[0]).toMatch(/^--hookscope-contract=/);
    expect(fake.privileged).toEqual([expect.objectContaining({ scheme: 'app' })]);
    expect(fake.session.permissionRequest).toBeTypeOf('function');
    expect(fake.menu()).toBeTruthy();

    // The UI is served on app://hookscope with the CSP.
    const page = await fake.protocolHandlers.get('app')!(new Request('app://hookscope/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    // IPC: every command, answering our page only.
    expect([...fake.handlers.keys()].sort()).toEqual(commandNames.map((n) => `hs:${n}`).sort());
    const call = (name: string, input: unknown, url: string) =>
      fake.handlers.get(`hs:${name}`)!({ senderFrame: { url, parent: null } }, input);
    await expect(call('getStatus', {}, 'app://hookscope/index.html')).resolves.toMatchObject({
      ok: true,
      value: { receiverUrl: ready.receiverUrl },
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await expect(call('getStatus', {}, 'https://evil.example/')).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('https://evil.example/'));
    warn.mockRestore();

    // A delivery reaches the window as an events.batch push.
    const res = await fetch(`${ready.receiverUrl}/wired`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    await vi.waitFor(() =>
      expect(win.webContents.sent.map(([c]) => c)).toContain('hs:events.batch'),
    );

    // Quitting stops the engine first: the receiver is closed, then the app quits.
    const quit = new Promise((r) => fake.app.once('quit', r));
    fake.app.quit();
    await quit;
    await expect(fetch(`${ready.receiverUrl}/after`, { method: 'POST' })).rejects.toThrow();
  });
});
