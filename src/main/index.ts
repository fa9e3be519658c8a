import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  Notification,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../core/engine';
import { VERSION } from '../core/version';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL, createAppHandler } from './app-protocol';
import { desktopDataDir, desktopEngineOptions } from './engine-options';
import { contractArg, registerIpc, relayPushes } from './ipc';
import { claimSingleInstance, installCleanShutdown, readyLine, userDataDir } from './lifecycle';
import { buildMenuTemplate, type MenuActions } from './menu';
import { createNotifier } from './notifications';
import { createOwnFrameCheck, createOwnPageCheck } from './own-page';
import { PrefsFile } from './prefs';
import { createSecretStore } from './safe-secrets';
import { hardenContents, hardenSession, windowOptions } from './window';
import { loadWindowState, trackWindowState } from './window-state';

// The thin desktop shell: wiring only. Each piece lives in its own module with Electron passed
// in, so it is tested in Node with fakes (test/main, test/preload).

const isDev = !app.isPackaged;
// The dev server URL is honoured only in development: a packaged app never loads remote pages.
const devUrl = (isDev && process.env.ELECTRON_RENDERER_URL) || undefined;
const isOwnUrl = createOwnPageCheck(devUrl);

app.setPath(
  'userData',
  userDataDir({
    switchValue: app.commandLine.getSwitchValue('user-data-dir'),
    env: process.env,
    appData: app.getPath('appData'),
  }),
);
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();
// Windows shows notifications only for an app with this id (appId in electron-builder.yml).
if (process.platform === 'win32') app.setAppUserModelId('dev.hookscope.desktop');

let engine: Engine | null = null;

function mainWindow(): BrowserWindow | null {
  return BrowserWindow.getAllWindows().find((w) => !w.isDestroyed()) ?? null;
}

function focusWindow(): void {
  const win = mainWindow();
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

async function openWindow(): Promise<BrowserWindow> {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const { maximized, ...bounds } = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow(
    windowOptions({
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contractArg: contractArg(),
      bounds,
      devTools: isDev,
      dark: nativeTheme.shouldUseDarkColors,
    }),
  );
  hardenContents(win.webContents, { isOwnUrl, openExternal: (url) => shell.openExternal(url) });
  trackWindowState(win, stateFile);
  win.once('ready-to-show', () => {
    if (maximized) win.maximize();
    win.show();
  });
  await win.loadURL(devUrl ?? APP_URL);
  return win;
}

function menuActions(eng: Engine, p: PrefsFile): MenuActions {
  const report = (err: unknown): void =>
    dialog.showErrorBox('Hookscope', err instanceof Error ? err.message : String(err));
  return {
    copyPublicUrl() {
      eng.client
        .getStatus()
        .then((s) => clipboard.writeText(s.tunnel.publicUrl ?? s.receiverUrl))
        .catch(report);
    },
    clearLog() {
      const win = mainWindow();
      const ask = {
        type: 'warning' as const,
        buttons: ['Clear Log', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: 'Delete every event in the log?',
        detail: 'This cannot be undone.',
      };
      (win ? dialog.showMessageBox(win, ask) : dialog.showMessageBox(ask))
        .then(async ({ response }) => {
          if (response === 0) await eng.client.deleteEvents({ all: true });
        })
        .catch(report);
    },
    toggleTheme() {
      nativeTheme.themeSource = nativeTheme.shouldUseDarkColors ? 'light' : 'dark';
      p.set({ theme: nativeTheme.themeSource });
    },
    useSystemTheme() {
      nativeTheme.themeSource = 'system';
      p.set({ theme: 'system' });
    },
    setNotifications(on) {
      p.set({ notifications: on });
    },
  };
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const p = new PrefsFile(join(userData, 'preferences.json'));
  nativeTheme.themeSource = p.get().theme;

  const dataDir = desktopDataDir(userData, process.env);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const eng = new Engine(
    desktopEngineOptions(dataDir, process.env, createSecretStore(dataDir, safeStorage)),
  );
  engine = eng;
  const { receiverUrl } = await eng.start();

  protocol.handle(APP_SCHEME, createAppHandler(join(import.meta.dirname, '../renderer')));
  hardenSession(session.defaultSession, isOwnUrl);
  registerIpc(ipcMain, eng, createOwnFrameCheck(isOwnUrl));
  relayPushes(eng, () => BrowserWindow.getAllWindows().map((w) => w.webContents), isOwnUrl);
  eng.client.on(
    'events.batch',
    createNotifier({
      enabled: () => p.get().notifications && Notification.isSupported(),
      show: ({ title, body }) => {
        const n = new Notification({ title, body });
        n.on('click', focusWindow);
        n.show();
      },
    }),
  );
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate(menuActions(eng, p), {
        isDev,
        platform: process.platform,
        notifications: p.get().notifications,
      }),
    ),
  );

  await openWindow();
  // One JSON line on stdout (also seen by Playwright's console event): the ready marker.
  console.log(readyLine({ receiverUrl, dataDir, version: VERSION }));
}

if (claimSingleInstance(app, focusWindow)) {
  installCleanShutdown(app, () => engine?.stop() ?? Promise.resolve());
  app.on('window-all-closed', () => {
    // macOS apps stay open without windows (the receiver keeps logging); elsewhere quit.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (engine && !mainWindow()) void openWindow();
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox(
        'Hookscope could not start',
        err instanceof Error ? err.message : String(err),
      );
      app.quit();
    });
}
