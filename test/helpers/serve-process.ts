import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/helpers/serve-process.ts). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built headless CLI (`npm run build`). */
export const CLI = join(ROOT, 'out', 'main', 'cli.js');

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

export interface StartOptions {
  /** Reuse this data dir (e.g. to restart on the same log); default: a fresh temp dir. */
  dataDir?: string;
  /** Extra environment (HOOKSCOPE_TOKEN and HOOKSCOPE_DATA_DIR are cleared otherwise). */
  env?: NodeJS.ProcessEnv;
  /** Extra CLI arguments. */
  args?: string[];
  /** Leave out `--receiver-port 0 --api-port 0` (use the defaults). */
  defaultPorts?: boolean;
  /** The CLI command; default serve. */
  command?: 'serve' | 'listen';
}

export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** One running `hookscope serve --json`. */
export interface ServeProcess {
  child: ChildProcess;
  receiverUrl: string;
  apiUrl: string;
  token: string;
  /** `${apiUrl}/#token=${token}`: what a user opens. */
  uiUrl: string;
  dataDir: string;
  /** Every JSON line printed after the ready line. */
  lines: Record<string, unknown>[];
  /** Sends `signal` (default SIGTERM), waits for exit (SIGKILL after 10 s). Idempotent. */
  stop(signal?: NodeJS.Signals): Promise<StopResult>;
  /** stop(), then removes the data dir if this helper created it. */
  dispose(): Promise<StopResult>;
  /** POSTs a control API command with the token. */
  api(name: string, input?: unknown, init?: RequestInit): Promise<Response>;
}

interface ReadyLine {
  event: 'ready';
  receiverUrl: string;
  apiUrl: string;
  token: string;
}

function isReady(v: unknown): v is ReadyLine {
  const o = v as Partial<ReadyLine> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    o.event === 'ready' &&
    typeof o.receiverUrl === 'string' &&
    typeof o.apiUrl === 'string' &&
    typeof o.token === 'string'
  );
}

/**
 * Spawns `node out/main/cli.js serve --json` on free ports with its own data dir and resolves
 * at its ready line. Rejects (with its output) if it exits or reports an error first, or after
 * 10 s.
 */
export async function startServe(opts: StartOptions = {}): Promise<ServeProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} does not exist: run \`npm run build\` first`);
  const ownsDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'hookscope-serve-')));
  const env = { ...process.env };
  delete env.HOOKSCOPE_TOKEN;
  delete env.HOOKSCOPE_DATA_DIR;
  const child = spawn(
    process.execPath,
    [
      CLI,
      opts.command ?? 'serve',
      '--data-dir',
      dataDir,
      ...(opts.defaultPorts ? [] : ['--receiver-port', '0', '--api-port', '0']),
      '--no-open',
      '--json',
      ...(opts.args ?? []),
    ],
    { cwd: ROOT, env: { ...env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Settles only once the 'close' event has drained stdout/stderr.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const before: string[] = [];
  const after: Record<string, unknown>[] = [];
  let ready: ReadyLine | null = null;
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });

  try {
    ready = await new Promise<ReadyLine>((resolve, reject) => {
      const fail = (why: string): void => {
        const out = before.length ? `\nstdout:\n${before.join('\n')}` : '';
        reject(new Error(`hookscope serve ${why}${out}\nstderr:\n${stderr || '(empty)'}`));
      };
      const timer = setTimeout(
        () => fail(`printed no ready line within ${READY_TIMEOUT_MS} ms`),
        READY_TIMEOUT_MS,
      );
      child.once('error', (err) => {
        clearTimeout(timer);
        fail(`could not be started: ${err.message}`);
      });
      lines.on('line', (line) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          parsed = { event: 'not-json', line };
        }
        if (ready !== null) {
          after.push(parsed as Record<string, unknown>);
          return;
        }
        before.push(line);
        if (isReady(parsed)) {
          clearTimeout(timer);
          // Set now, not after the await: lines that arrive in the same chunk belong to `lines`.
          ready = parsed;
          resolve(parsed);
        } else if ((parsed as { event?: unknown }).event === 'error') {
          clearTimeout(timer);
          fail('reported an error before it was ready');
        }
      });
      void exited.then(async ({ code, signal }) => {
        clearTimeout(timer);
        await closed; // so the last stderr/stdout lines are in the message
        fail(`exited before it was ready (code ${code}, signal ${signal})`);
      });
    });
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  let stopping: Promise<StopResult> | null = null;
  const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<StopResult> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const result = await exited;
      clearTimeout(killer);
      await closed;
      return { ...result, stderr };
    })();
    return stopping;
  };

  const { receiverUrl, apiUrl, token } = ready;
  return {
    child,
    receiverUrl,
    apiUrl,
    token,
    uiUrl: `${apiUrl}/#token=${token}`,
    dataDir,
    lines: after,
    stop,
    async dispose() {
      const result = await stop();
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
      return result;
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
  };
}

/**
 * Runs `hookscope serve` (on a fresh data dir, ports 0) expecting it to stop at start: its exit
 * code and everything it printed. The environment is this one's without the variables that
 * choose a token, data dir, database or secret key, plus `env`.
 */
export async function failedServeStart(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hookscope-failed-start-'));
  const base = { ...process.env };
  for (const k of [
    'HOOKSCOPE_TOKEN',
    'HOOKSCOPE_DATA_DIR',
    'HOOKSCOPE_SECRET_KEY',
    'HOOKSCOPE_DATABASE_URL',
  ]) {
    delete base[k];
  }
  try {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--data-dir',
        dataDir,
        '--receiver-port',
        '0',
        '--api-port',
        '0',
        '--no-open',
        ...args,
      ],
      { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    return { code, out };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
