import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, expect, test, type ElectronApplication } from '@playwright/test';
import { electronSqlite, installedElectronVersion } from '../../scripts/electron-sqlite.mjs';
import { ROOT } from '../helpers/serve-process';

const MAIN = join(ROOT, 'out', 'main', 'index.js');
const NOT_INSTALLED =
  'Electron binary not installed (node_modules/electron/dist missing); ' +
  'run npx electron --version with internet to fetch it';

/**
 * The Electron executable that `npm install` would have put under node_modules/electron/dist,
 * found from path.txt without loading the electron package; null when it is not there.
 */
function electronBinary(): string | null {
  const pkg = join(ROOT, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const rel = readFileSync(pathTxt, 'utf8').trim();
  if (!rel) return null;
  const bin = join(pkg, 'dist', rel);
  return existsSync(bin) ? bin : null;
}

/** Skips with a reason that also appears in the output of the list reporter. */
function skipBecause(reason: string): void {
  console.log(`[electron.e2e] skipped: ${reason}`);
  test.skip(true, reason);
}

interface Ready {
  event: 'ready';
  receiverUrl: string;
  dataDir: string;
}

/**
 * The app's ready marker: the JSON line main logs once the receiver listens and the window
 * has loaded (src/main/lifecycle.ts `readyLine`), read from the main process's console.
 */
function readyMarker(app: ElectronApplication, timeoutMs = 20_000): Promise<Ready> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ready line from the app within ${timeoutMs} ms`)),
      timeoutMs,
    );
    app.on('console', (msg) => {
      try {
        const line = JSON.parse(msg.text()) as Partial<Ready>;
        if (line.event === 'ready') {
          clearTimeout(timer);
          resolve(line as Ready);
        }
      } catch {
        // Not the marker.
      }
    });
  });
}

test('the desktop app receives a webhook and lists it', async () => {
  const executablePath = electronBinary();
  if (!executablePath) return skipBecause(NOT_INSTALLED);
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return skipBecause('no display for the Electron window (DISPLAY is unset); run under xvfb-run');
  }
  // The Node build of better-sqlite3 cannot load in Electron: get the Electron-ABI one, as
  // npm start does (cached in .electron-abi/ after the first time).
  const version = installedElectronVersion(ROOT);
  const binding = electronSqlite(ROOT, { version, quiet: true });
  if (!binding) {
    return skipBecause(`no better-sqlite3 for Electron ${version}; run npm start once online`);
  }
  expect(existsSync(MAIN), `${MAIN} exists (npm run build)`).toBe(true);

  // A user-data dir of its own: its own log, settings and single-instance lock.
  const userData = await mkdtemp(join(tmpdir(), 'hookscope-electron-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env.ELECTRON_RENDERER_URL; // load the built renderer, not a dev server
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.HOOKSCOPE_DATA_DIR;
  env.HOOKSCOPE_SQLITE_BINDING = binding;
  const app = await _electron.launch({
    executablePath,
    args: [
      ...(process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      `--user-data-dir=${userData}`,
      ROOT,
    ],
    env,
    cwd: ROOT,
  });
  try {
    const ready = await readyMarker(app);
    expect(ready.dataDir).toBe(userData);
    const win = await app.firstWindow();
    expect(win.url()).toMatch(/^app:\/\/hookscope\//);
    await expect(win.getByTestId('receiver-url')).toHaveText(ready.receiverUrl);
    await expect(win.getByTestId('event-count')).toHaveText('0');

    // The page sees the bridge and nothing else of Electron or Node.
    expect(
      await win.evaluate(() => {
        const page = globalThis as unknown as Record<string, unknown>;
        return {
          bridge: Object.keys(page.hookscope as object).sort(),
          require: typeof page.require,
          process: typeof page.process,
        };
      }),
    ).toEqual({ bridge: ['invoke', 'on'], require: 'undefined', process: 'undefined' });

    const res = await fetch(`${ready.receiverUrl}/e2e/electron`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"hello":"desktop"}',
    });
    expect(res.status).toBe(200);
    await expect(win.getByTestId('event-row')).toHaveCount(1);
    await expect(win.getByTestId('event-path')).toHaveText(['/e2e/electron']);
    await expect(win.getByTestId('event-count')).toHaveText('1');
    await expect(win.getByRole('alert')).toHaveCount(0);
  } finally {
    await app.close();
    await rm(userData, { recursive: true, force: true });
  }
});
