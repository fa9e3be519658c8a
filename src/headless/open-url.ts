import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Starts a program detached from this one (tests pass their own to see its arguments). */
export type Opener = (command: string, args: string[]) => ChildProcess;

const detached: Opener = (command, args) => {
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.unref();
  return child;
};

/** The OS's "open with the default application" command for a file. */
function openCommand(file: string): [string, string[]] {
  if (process.platform === 'darwin') return ['open', [file]];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', file]];
  return ['xdg-open', [file]];
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page that sends the browser on to `url` at once (a link too, should refresh be off). */
export function redirectPage(url: string): string {
  // Quoted for the refresh's own parsing; a quote inside would end it, so it is encoded.
  const target = escapeHtml(url.replace(/'/g, '%27'));
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<meta http-equiv="refresh" content="0; url='${target}'">`,
    '<title>Hookscope</title></head>',
    `<body><p><a href="${target}">Open Hookscope</a></p></body></html>`,
    '',
  ].join('\n');
}

/**
 * Opens the UI at `url` in the default browser without putting `url` (whose fragment carries
 * the API token) in any program's arguments, which every local user can read in the process
 * list. As Jupyter does, a small page redirecting to `url` is written to a private folder (the
 * folder 0700, the page 0600) and only that page's path is handed to the OS's opener. The
 * folder is removed by the returned function, or at exit. Failures are reported, never thrown.
 */
export function openUi(
  url: string,
  onError: (message: string) => void,
  opener: Opener = detached,
): () => void {
  const fail = (why: string): void => onError(`could not open a browser (${why}); open ${url}`);
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'hookscope-open-'));
  } catch (err) {
    fail((err as Error).message);
    return () => undefined;
  }
  const remove = (): void => {
    process.off('exit', remove);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', remove);
  try {
    const page = join(dir, 'open-hookscope.html');
    writeFileSync(page, redirectPage(url), { mode: 0o600, flag: 'wx' });
    const [command, args] = openCommand(page);
    opener(command, args).on('error', (err) => fail(err.message));
  } catch (err) {
    fail((err as Error).message);
  }
  return remove;
}
