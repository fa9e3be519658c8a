import type * as Fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileSecretStore } from '../../src/core/secrets';
import { SafeSecretStore } from '../../src/main/safe-secrets';
import { tempDir } from '../helpers/engine';

/**
 * What a power cut leaves cannot be observed in a test; the order of the system calls that
 * make a replacement durable can. node:fs is the real one, with the calls recorded.
 */
const { calls } = vi.hoisted(() => ({ calls: [] as string[] }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  const paths = new Map<number, string>();
  return {
    ...fs,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      const fd = fs.openSync(...args);
      paths.set(fd, String(args[0]));
      calls.push(`open ${String(args[0])}`);
      return fd;
    },
    fsyncSync: (fd: number) => {
      calls.push(`fsync ${paths.get(fd)}`);
      fs.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      calls.push(`rename ${from} -> ${to}`);
      fs.renameSync(from, to);
    },
  };
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function durableWrite(dir: string, file: string): string[] {
  return [`open ${file}.tmp`, `fsync ${file}.tmp`, `rename ${file}.tmp -> ${file}`].concat(
    process.platform === 'win32' ? [] : [`open ${dir}`, `fsync ${dir}`],
  );
}

describe('secrets files are replaced durably', () => {
  it('secrets.json: a temp file fsynced, renamed over the old one, then the folder fsynced', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const store = new FileSecretStore(dir);
    calls.length = 0;
    store.set('ep', ['whsec_1']);
    store.delete('ep');
    const file = join(dir, 'secrets.json');
    expect(calls).toEqual([...durableWrite(dir, file), ...durableWrite(dir, file)]);
  });

  it('secrets.safe.json the same way', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const store = new SafeSecretStore(dir, {
      isEncryptionAvailable: () => true,
      encryptString: (s) => Buffer.from(s).reverse(),
      decryptString: (b) => Buffer.from(b).reverse().toString(),
    });
    calls.length = 0;
    store.set('ep', ['whsec_1']);
    expect(calls).toEqual(durableWrite(dir, join(dir, 'secrets.safe.json')));
  });
});
