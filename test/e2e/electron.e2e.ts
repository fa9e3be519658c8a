import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, expect, test } from '@playwright/test';
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

test('the desktop window shows the receiver URL', async () => {
  const executablePath = electronBinary();
  if (!executablePath) return skipBecause(NOT_INSTALLED);
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return skipBecause('no display for the Electron window (DISPLAY is unset); run under xvfb-run');
  }
  expect(existsSync(MAIN), `${MAIN} exists (npm run build)`).toBe(true);

  const userData = await mkdtemp(join(tmpdir(), 'hookscope-electron-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env.ELECTRON_RENDERER_URL; // load the built renderer, not a dev server
  delete env.ELECTRON_RUN_AS_NODE;
  env.XDG_CONFIG_HOME = userData; // userData on Linux, should --user-data-dir be ignored
  const app = await _electron.launch({
    executablePath,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      `--user-data-dir=${userData}`,
      MAIN,
    ],
    env,
    cwd: ROOT,
  });
  try {
    const win = await app.firstWindow();
    await expect(win.getByTestId('receiver-url')).toHaveText(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(win.getByTestId('event-count')).toHaveText('0');
    await expect(win.getByRole('alert')).toHaveCount(0);
  } finally {
    await app.close();
    await rm(userData, { recursive: true, force: true });
  }
});
