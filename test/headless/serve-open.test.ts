import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/engine';
import { CLI } from '../helpers/serve-process';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Resolves once `check` is true, polling (bounded). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('hookscope serve opening the UI', () => {
  it('never puts the token in the opener’s arguments; the page it opens is private and goes at exit', async (ctx) => {
    if (process.platform !== 'linux') {
      console.log('skipped: the recording opener stands in for xdg-open, the Linux one');
      ctx.skip();
    }
    const bin = tempDir('hookscope-bin-');
    const data = tempDir();
    cleanups.push(bin.cleanup, data.cleanup);
    // An xdg-open that records the arguments it was started with.
    const argvFile = join(bin.dir, 'argv');
    writeFileSync(join(bin.dir, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${argvFile}'\n`);
    chmodSync(join(bin.dir, 'xdg-open'), 0o755);
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--data-dir', data.dir, '--receiver-port', '0', '--api-port', '0', '--json'],
      {
        env: { ...process.env, PATH: `${bin.dir}:${process.env.PATH}`, HOOKSCOPE_TOKEN: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    cleanups.push(() => child.kill('SIGKILL'));
    const exited = new Promise((r) => child.once('exit', r));
    const ready = await new Promise<{ apiUrl: string; token: string }>((resolve) =>
      createInterface({ input: child.stdout! }).on('line', (l) => {
        const o = JSON.parse(l) as { event: string; apiUrl: string; token: string };
        if (o.event === 'ready') resolve(o);
      }),
    );
    await until(() => existsSync(argvFile) && readFileSync(argvFile, 'utf8') !== '', 'xdg-open');
    const argv = readFileSync(argvFile, 'utf8').trim().split('\n');
    expect(argv.join(' ')).not.toContain(ready.token);
    expect(argv).toHaveLength(1);
    const page = argv[0]!;
    expect(statSync(page).mode & 0o777).toBe(0o600);
    expect(readFileSync(page, 'utf8')).toContain(`url='${ready.apiUrl}/#token=${ready.token}'`);
    child.kill('SIGTERM');
    await exited;
    expect(existsSync(page)).toBe(false);
  });
});
