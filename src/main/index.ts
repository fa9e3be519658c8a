import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { join } from 'node:path';
import { Engine } from '../core/engine';
import { commandNames } from '../shared/contract';
import { dispatch } from '../shared/dispatch';
import { toErrorBody } from '../shared/errors';

// The thin desktop shell: one engine, one window, one IPC handler per contract command.
let engine: Engine | null = null;
let win: BrowserWindow | null = null;

function isOwnPage(url: string): boolean {
  if (process.env.ELECTRON_RENDERER_URL) return url.startsWith(process.env.ELECTRON_RENDERER_URL);
  return url.startsWith('file://') && url.includes('/out/renderer/');
}

async function createWindow(): Promise<void> {
  // npm start passes a better-sqlite3 built for Electron's ABI (the Node build serves tests).
  const nativeBinding = process.env.HOOKSCOPE_SQLITE_BINDING;
  engine = new Engine({
    dataDir: app.getPath('userData'),
    receiverPort: 7700,
    fallbackToFreePort: true,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  await engine.start();
  for (const name of commandNames) {
    ipcMain.handle(`hs:${name}`, async (event, input: unknown) => {
      if (!event.senderFrame || !isOwnPage(event.senderFrame.url)) {
        return { ok: false, error: { code: 'forbidden', message: 'unknown sender' } };
      }
      try {
        return { ok: true, value: await dispatch(engine!.handlers, name, input) };
      } catch (err) {
        return { ok: false, error: toErrorBody(err) };
      }
    });
  }
  win = new BrowserWindow({
    width: 1280,
    height: 800,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  engine.subscribe((name, payload) => win?.webContents.send(`hs:${name}`, payload));
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) await win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else await win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
}

app.whenReady().then(createWindow, (err: unknown) => {
  console.error(err);
  app.quit();
});

app.on('window-all-closed', () => {
  void engine?.stop().finally(() => app.quit());
});
