import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const CLI = resolve('out/main/cli.js');

export interface ServeProcess {
  child: ChildProcess;
  receiverUrl: string;
  apiUrl: string;
  token: string;
  dataDir: string;
  /** Later JSON lines printed after the ready line. */
  lines: Record<string, unknown>[];
  /** Sends `signal` and resolves with the exit code/signal once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** POSTs a control API command with the token. */
  api(name: string, input?: unknown, init?: RequestInit): Promise<Response>;
}

/**
 * Spawns the built `hookscope serve --json` on port 0 and resolves at its ready line; rejects
 * with its stderr if it exits first or is not ready in 10 s.
 */
export function startServe(
  opts: { dataDir?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<ServeProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hookscope-serve-'));
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--json',
      '--no-open',
      '--data-dir',
      dataDir,
      '--receiver-port',
      '0',
      '--api-port',
      '0',
      ...(opts.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const lines: Record<string, unknown>[] = [];
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hookscope serve not ready in 10 s; stderr: ${stderr}`));
    }, 10_000);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`hookscope serve exited (${code ?? signal}) before ready; stderr: ${stderr}`),
      );
    });
    let ready = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as Record<string, unknown>;
      if (ready) return void lines.push(msg);
      if (msg.event !== 'ready') return;
      ready = true;
      clearTimeout(timer);
      const { receiverUrl, apiUrl, token } = msg as {
        receiverUrl: string;
        apiUrl: string;
        token: string;
      };
      resolvePromise({
        child,
        receiverUrl,
        apiUrl,
        token,
        dataDir,
        lines,
        stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
        api(name, input = {}, init = {}) {
          return fetch(`${apiUrl}/api/${name}`, {
            method: 'POST',
            body: JSON.stringify(input),
            ...init,
            headers: {
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/json',
              ...init.headers,
            },
          });
        },
      });
    });
  });
}
