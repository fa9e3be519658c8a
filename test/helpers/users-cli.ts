/** Runs the built `hookscope users` CLI in tests. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI } from './serve-process';

const exec = promisify(execFile);

/** Runs `hookscope users ...`: its exit code and output (never rejects). */
export async function users(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  for (const k of [
    'HOOKSCOPE_TOKEN',
    'HOOKSCOPE_API',
    'HOOKSCOPE_DATABASE_URL',
    'HOOKSCOPE_DATA_DIR',
  ])
    delete base[k];
  return exec(process.execPath, [CLI, 'users', ...args], {
    timeout: 30_000,
    env: { ...base, ...env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

/** The token in `users add`'s output. */
export const tokenIn = (stdout: string): string => /^ {2}(hs_\S+)$/m.exec(stdout)![1]!;
