import { join } from 'node:path';

/** The parts of Electron's `app` the lifecycle helpers use (tests pass a fake). */
export interface AppLike {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
}

/**
 * Where Electron keeps userData, which also holds the log: `--user-data-dir=DIR` (tests give
 * each run its own), else HOOKSCOPE_USER_DATA_DIR, else `<appData>/Hookscope`, the folder
 * `hookscope serve` uses by default too (src/core/paths.ts).
 */
export function userDataDir(o: {
  switchValue: string;
  env: NodeJS.ProcessEnv;
  appData: string;
}): string {
  return o.switchValue || o.env.HOOKSCOPE_USER_DATA_DIR || join(o.appData, 'Hookscope');
}

/**
 * One instance per userData folder: a second launch quits at once and the first one focuses
 * its window. Returns false in the second instance.
 */
export function claimSingleInstance(app: AppLike, focus: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', focus);
  return true;
}

/**
 * Quitting waits for `stop` (tunnel closed, deliveries in flight committed and answered, the
 * database closed), then quits for real. SIGINT and SIGTERM (Ctrl+C in the terminal of
 * `npm start`) quit the same way. `stop` runs once, even if quit is asked again meanwhile.
 */
export function installCleanShutdown(
  app: AppLike,
  stop: () => Promise<void>,
  proc: Pick<NodeJS.Process, 'on'> = process,
  log: (message: string) => void = (m) => console.error(m),
): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    stop()
      .catch((err: unknown) => log(`hookscope: shutdown failed: ${(err as Error).message}`))
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) proc.on(signal, () => app.quit());
}

/**
 * The line printed on stdout once the window shows the UI and the receiver listens, as
 * `hookscope serve --json` does: tests and scripts wait for it.
 */
export function readyLine(fields: {
  receiverUrl: string;
  dataDir: string;
  version: string;
}): string {
  return JSON.stringify({ event: 'ready', ...fields });
}
