import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSecretStore,
  isSafeStorageUsable,
  SAFE_SECRETS_FILE,
  SafeSecretStore,
  type SafeStorageLike,
} from '../../src/main/safe-secrets';
import { FileSecretStore } from '../../src/core/secrets';
import { tempDir } from '../helpers/engine';

/** A stand-in for Electron's safeStorage: reversible, and never stores the plaintext as is. */
function fakeSafeStorage(available = true, backend = 'gnome_libsecret') {
  const key = 0x5a;
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ key));
  return {
    isEncryptionAvailable: vi.fn(() => available),
    getSelectedStorageBackend: () => backend,
    encryptString: vi.fn((s: string) => Buffer.concat([Buffer.from('v10'), xor(Buffer.from(s))])),
    decryptString: vi.fn((b: Buffer) => {
      if (b.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting');
      return xor(b.subarray(3)).toString();
    }),
  } satisfies SafeStorageLike;
}

const dirs: (() => void)[] = [];
function dataDir(): string {
  const { dir, cleanup } = tempDir('hookscope-secrets-');
  dirs.push(cleanup);
  return dir;
}
afterEach(() => {
  for (const c of dirs.splice(0)) c();
});

describe('SafeSecretStore', () => {
  it('round-trips secrets encrypted, never writing them in plain text', () => {
    const dir = dataDir();
    const ss = fakeSafeStorage();
    const store = createSecretStore(dir, ss, 'linux');
    expect(store).toBeInstanceOf(SafeSecretStore);
    store.set('ep_1', ['whsec_abc', 'whsec_rotated']);
    store.set('tunnel.authtoken', ['2abcNGROK']);
    expect(store.get('ep_1')).toEqual(['whsec_abc', 'whsec_rotated']);

    const file = join(dir, SAFE_SECRETS_FILE);
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toMatch(/whsec_abc|2abcNGROK/);
    expect(JSON.parse(raw)).toMatchObject({ version: 1, items: { ep_1: expect.any(String) } });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);

    const again = createSecretStore(dir, ss, 'linux');
    expect(again.get('ep_1')).toEqual(['whsec_abc', 'whsec_rotated']);
    expect(again.get('tunnel.authtoken')).toEqual(['2abcNGROK']);
    expect(again.get('unknown')).toEqual([]);
    again.delete('ep_1');
    expect(createSecretStore(dir, ss, 'linux').get('ep_1')).toEqual([]);
  });

  it('decrypts each entry once and hands out copies', () => {
    const dir = dataDir();
    const ss = fakeSafeStorage();
    createSecretStore(dir, ss).set('ep', ['a']);
    const store = createSecretStore(dir, ss);
    ss.decryptString.mockClear();
    const first = store.get('ep');
    first.push('mutated');
    expect(store.get('ep')).toEqual(['a']);
    expect(ss.decryptString).toHaveBeenCalledTimes(1);
  });

  it('reads a value that no longer decrypts as no secrets, without throwing', () => {
    const dir = dataDir();
    writeFileSync(
      join(dir, SAFE_SECRETS_FILE),
      JSON.stringify({ version: 1, items: { ep: Buffer.from('garbage').toString('base64') } }),
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(createSecretStore(dir, fakeSafeStorage()).get('ep')).toEqual([]);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('moves secrets from the plaintext file into the encrypted one, then removes it', () => {
    const dir = dataDir();
    const plain = new FileSecretStore(dir);
    plain.set('ep_old', ['from-serve']);
    plain.set('ep_both', ['stale']);
    const ss = fakeSafeStorage();
    new SafeSecretStore(dir, ss).set('ep_both', ['current']);

    const store = createSecretStore(dir, ss, 'darwin');
    expect(store.get('ep_old')).toEqual(['from-serve']);
    expect(store.get('ep_both')).toEqual(['current']);
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
    expect(readFileSync(join(dir, SAFE_SECRETS_FILE), 'utf8')).not.toContain('from-serve');
  });
});

describe('files that cannot be read at start', () => {
  it('sets a cut-short secrets.safe.json aside with a notice and goes on', () => {
    const dir = dataDir();
    const file = join(dir, SAFE_SECRETS_FILE);
    writeFileSync(file, '{"version":1,"items":{"ep":"djEw');
    const store = createSecretStore(dir, fakeSafeStorage(), 'linux');
    expect(store.notices).toHaveLength(1);
    const [notice] = store.notices!;
    expect(notice).toMatchObject({ code: 'secrets_recovered' });
    expect(readFileSync(notice!.path!, 'utf8')).toBe('{"version":1,"items":{"ep":"djEw');
    expect(store.get('ep')).toEqual([]);
    store.set('ep', ['again']);
    expect(createSecretStore(dir, fakeSafeStorage(), 'linux').get('ep')).toEqual(['again']);
  });

  it('sets a plaintext secrets.json that cannot be read aside instead of moving it in', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'secrets.json'), '{"ep_old":["from-se');
    const store = createSecretStore(dir, fakeSafeStorage(), 'darwin');
    expect(store.notices).toEqual([
      expect.objectContaining({
        code: 'secrets_recovered',
        path: expect.stringMatching(/secrets\.json\.corrupt-/),
      }),
    ]);
    expect(existsSync(join(dir, 'secrets.json'))).toBe(false);
    expect(store.get('ep_old')).toEqual([]);
  });

  it('without a keychain, sets a cut-short secrets.json aside the same way', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'secrets.json'), '{');
    const store = createSecretStore(dir, fakeSafeStorage(false), 'linux');
    expect(store).toBeInstanceOf(FileSecretStore);
    expect(store.notices).toEqual([expect.objectContaining({ code: 'secrets_recovered' })]);
  });
});

describe('the fallback without a keychain', () => {
  it('behaves like FileSecretStore when encryption is unavailable', () => {
    const dir = dataDir();
    const ss = fakeSafeStorage(false);
    const store = createSecretStore(dir, ss, 'linux');
    expect(store).toBeInstanceOf(FileSecretStore);
    store.set('ep', ['s1']);
    expect(ss.encryptString).not.toHaveBeenCalled();
    expect(new FileSecretStore(dir).get('ep')).toEqual(['s1']);
    expect(existsSync(join(dir, SAFE_SECRETS_FILE))).toBe(false);
    if (process.platform !== 'win32') {
      expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    }
  });

  it('treats Linux basic_text (a hard-coded key) as no encryption', () => {
    expect(isSafeStorageUsable(fakeSafeStorage(true, 'basic_text'), 'linux')).toBe(false);
    expect(isSafeStorageUsable(fakeSafeStorage(true, 'kwallet6'), 'linux')).toBe(true);
    expect(isSafeStorageUsable(fakeSafeStorage(true, 'basic_text'), 'darwin')).toBe(true);
    expect(isSafeStorageUsable(fakeSafeStorage(false), 'win32')).toBe(false);
    const dir = dataDir();
    expect(createSecretStore(dir, fakeSafeStorage(true, 'basic_text'), 'linux')).toBeInstanceOf(
      FileSecretStore,
    );
  });

  it('keeps encrypted secrets it cannot read untouched, and says so', () => {
    const dir = dataDir();
    createSecretStore(dir, fakeSafeStorage()).set('ep', ['x']);
    const before = readFileSync(join(dir, SAFE_SECRETS_FILE), 'utf8');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const store = createSecretStore(dir, fakeSafeStorage(false));
    expect(store.get('ep')).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('keychain'));
    warn.mockRestore();
    expect(readFileSync(join(dir, SAFE_SECRETS_FILE), 'utf8')).toBe(before);
  });
});
