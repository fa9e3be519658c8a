import { spawn } from 'node:child_process';

/** Opens `url` in the default browser; failures are reported, never thrown. */
export function openUrl(url: string, onError: (message: string) => void): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', (err) => onError(`could not open a browser (${err.message}); open ${url}`));
    child.unref();
  } catch (err) {
    onError(`could not open a browser (${(err as Error).message}); open ${url}`);
  }
}
