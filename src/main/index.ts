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
import type { Client } from '../shared/dispatch';
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
import { activeClient, windowTitle, Workspaces } from './workspaces';

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
let workspaces: Workspaces | null = null;

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
  // The title says which workspace the window shows, not the page's <title>.
  win.on('page-title-updated', (e) => e.preventDefault());
  if (workspaces) win.setTitle(windowTitle(workspaces.activeWorkspace()));
  trackWindowState(win, stateFile);
  win.once('ready-to-show', () => {
    if (maximized) win.maximize();
    win.show();
  });
  await win.loadURL(devUrl ?? APP_URL);
  return win;
}

function menuActions(client: Client, ws: Workspaces, p: PrefsFile): MenuActions {
  const report = (err: unknown): void =>
    dialog.showErrorBox('Hookscope', err instanceof Error ? err.message : String(err));
  return {
    copyPublicUrl() {
      client
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
        message: `Delete every event in the log of ${ws.activeWorkspace().name}?`,
        detail: 'This cannot be undone.',
      };
      (win ? dialog.showMessageBox(win, ask) : dialog.showMessageBox(ask))
        .then(async ({ response }) => {
          if (response === 0) await client.deleteEvents({ all: true });
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
  // Workspaces: Local (this engine) or a saved Hookscope server; their tokens are kept with
  // safeStorage in a folder of their own (never in the preferences).
  const wsDir = join(userData, 'workspaces');
  mkdirSync(wsDir, { recursive: true, mode: 0o700 });
  const ws = new Workspaces({
    dir: wsDir,
    tokens: createSecretStore(wsDir, safeStorage),
    local: eng,
  });
  workspaces = ws;
  await ws.restore();
  ws.onChange((s) => {
    const w = s.workspaces.find((x) => x.id === s.activeId);
    if (w) mainWindow()?.setTitle(windowTitle(w));
  });

  protocol.handle(APP_SCHEME, createAppHandler(join(import.meta.dirname, '../renderer')));
  hardenSession(session.defaultSession, isOwnUrl);
  registerIpc(ipcMain, ws.active, createOwnFrameCheck(isOwnUrl));
  relayPushes(ws.active, () => BrowserWindow.getAllWindows().map((w) => w.webContents), isOwnUrl);
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
      buildMenuTemplate(menuActions(activeClient(ws.active), ws, p), {
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
  installCleanShutdown(app, () => {
    workspaces?.close();
    return engine?.stop() ?? Promise.resolve();
  });
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
