// What `npm start` does, decided from facts that scripts/start.mjs gathers. Pure, so the
// decision is tested in Node (test/main/start-plan.test.ts) without Electron.
import { join } from 'node:path';

/**
 * Why no window can be shown on this machine, or null. Linux needs an X or Wayland display;
 * macOS and Windows always have one.
 * @param {NodeJS.Platform} platform
 * @param {Record<string, string | undefined>} env
 * @returns {string | null}
 */
export function displayProblem(platform, env) {
  if (platform !== 'linux' || env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)';
}

/** The one line printed when falling back to the browser. */
export function fallbackMessage(reason) {
  return `Hookscope: ${reason}; starting \`hookscope serve\` with the UI in your browser instead.`;
}

/**
 * The plan: run Electron on the app with the Electron-ABI better-sqlite3, or, when any of
 * display, Electron binary or that build is missing (checked in this order), `hookscope
 * serve` in the browser with the reason.
 * @param {{
 *   root: string,
 *   display: string | null,
 *   electron: string | null,
 *   electronVersion: string,
 *   binding: string | null,
 *   platform: NodeJS.Platform,
 *   isRoot: boolean,
 *   nodePath: string,
 *   env: Record<string, string | undefined>,
 *   args: string[],
 * }} f
 * @returns {{ kind: 'electron' | 'serve', command: string, args: string[],
 *   env: Record<string, string | undefined>, reason?: string, note?: string }}
 */
export function planStart(f) {
  const reason = f.display
    ? f.display
    : !f.electron
      ? 'Electron is not installed and could not be downloaded (offline?)'
      : !f.binding
        ? `could not get better-sqlite3 for Electron ${f.electronVersion}`
        : null;
  if (reason || !f.electron || !f.binding) {
    return {
      kind: 'serve',
      reason: reason ?? 'unknown',
      command: f.nodePath,
      args: [join(f.root, 'out', 'main', 'cli.js'), 'serve', ...f.args],
      env: f.env,
    };
  }
  const env = { ...f.env, HOOKSCOPE_SQLITE_BINDING: f.binding };
  // Set, it would make Electron a plain Node and the app would not start.
  delete env.ELECTRON_RUN_AS_NODE;
  // Chromium refuses to run as root with its sandbox (containers, CI); say so rather than fail.
  const asRoot = f.platform === 'linux' && f.isRoot;
  return {
    kind: 'electron',
    command: f.electron,
    args: [...(asRoot ? ['--no-sandbox'] : []), f.root, ...f.args],
    env,
    ...(asRoot ? { note: 'Hookscope: running as root, so Chromium’s sandbox is off.' } : {}),
  };
}
