import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Notice } from '../shared/model';
import {
  FileSecretStore,
  isSecretMap,
  readSecretsFile,
  writePrivateFile,
  type SecretMap,
  type SecretStore,
} from '../core/secrets';

/** The parts of Electron's `safeStorage` used here (tests pass a fake). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: `basic_text` means a fixed, public key, i.e. no real protection. */
  getSelectedStorageBackend?(): string;
}

/** The encrypted store's file in the data dir; FileSecretStore's plaintext one is secrets.json. */
export const SAFE_SECRETS_FILE = 'secrets.safe.json';
const PLAIN_FILE = 'secrets.json';

interface SafeFile {
  version: 1;
  /** Endpoint id (or tunnel key) → base64 of safeStorage.encryptString(JSON of the list). */
  items: Record<string, string>;
}

const isSafeFile = (v: unknown): v is SafeFile => {
  const items = (v as Partial<SafeFile> | null)?.items;
  return (
    typeof items === 'object' &&
    items !== null &&
    !Array.isArray(items) &&
    Object.values(items).every((x) => typeof x === 'string')
  );
};

/**
 * True when safeStorage really protects data: the OS keychain (macOS Keychain, Windows DPAPI,
 * libsecret/KWallet) is available. On Linux without a keyring Electron falls back to a
 * hard-coded key (`basic_text`); that is treated as unavailable.
 */
export function isSafeStorageUsable(ss: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!ss.isEncryptionAvailable()) return false;
  return !(platform === 'linux' && ss.getSelectedStorageBackend?.() === 'basic_text');
}

/**
 * Secrets encrypted with the OS keychain through safeStorage, stored base64 in
 * `secrets.safe.json` (mode 0600, written durably). Decrypted values are kept in memory, as
 * the engine reads them when verifying deliveries. A value that no longer decrypts (the keychain
 * was reset) reads as no secrets and is kept on disk untouched until it is set again; a file
 * that cannot be read at all is set aside with a notice (`readSecretsFile`).
 */
export class SafeSecretStore implements SecretStore {
  private readonly file: string;
  private readonly items: Record<string, string>;
  private readonly cache = new Map<string, string[]>();
  readonly notices: Notice[] = [];

  constructor(
    dataDir: string,
    private readonly ss: SafeStorageLike,
    now?: () => number,
  ) {
    this.file = join(dataDir, SAFE_SECRETS_FILE);
    this.items = readSecretsFile(this.file, isSafeFile, this.notices, now)?.items ?? {};
  }

  get(endpointId: string): string[] {
    const hit = this.cache.get(endpointId);
    if (hit) return [...hit];
    if (!Object.prototype.hasOwnProperty.call(this.items, endpointId)) return [];
    let value: string[] = [];
    try {
      const plain = this.ss.decryptString(Buffer.from(this.items[endpointId]!, 'base64'));
      const parsed: unknown = JSON.parse(plain);
      if (Array.isArray(parsed)) value = parsed.filter((s): s is string => typeof s === 'string');
    } catch {
      console.warn(`hookscope: the saved secrets of "${endpointId}" cannot be decrypted`);
      value = [];
    }
    this.cache.set(endpointId, value);
    return [...value];
  }

  set(endpointId: string, secrets: string[]): void {
    this.setMany({ [endpointId]: secrets });
  }

  /** Sets several entries with one write (used when importing the plaintext file). */
  // The copies in memory change only once the file was written: a failed write changes nothing.
  setMany(entries: SecretMap): void {
    const next = { ...this.items };
    for (const [id, secrets] of Object.entries(entries)) {
      next[id] = this.ss.encryptString(JSON.stringify(secrets)).toString('base64');
    }
    this.save(next);
    for (const [id, secrets] of Object.entries(entries)) {
      this.items[id] = next[id]!;
      this.cache.set(id, [...secrets]);
    }
  }

  delete(endpointId: string): void {
    const next = { ...this.items };
    delete next[endpointId];
    this.save(next);
    delete this.items[endpointId];
    this.cache.delete(endpointId);
  }

  private save(items: Record<string, string>): void {
    const data: SafeFile = { version: 1, items };
    writePrivateFile(this.file, JSON.stringify(data));
  }
}

/**
 * The desktop app's SecretStore: encrypted with safeStorage when the OS offers a keychain,
 * else FileSecretStore's plaintext file readable only by the user (as `hookscope serve` does).
 * When encryption is available, secrets left in the plaintext file (saved by `hookscope serve`
 * or while no keychain was available) are moved into the encrypted file, then the plaintext
 * file is removed.
 */
export function createSecretStore(
  dataDir: string,
  ss: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretStore {
  if (!isSafeStorageUsable(ss, platform)) {
    if (existsSync(join(dataDir, SAFE_SECRETS_FILE))) {
      console.warn(
        'hookscope: the OS keychain is not available; secrets saved encrypted earlier cannot be read',
      );
    }
    return new FileSecretStore(dataDir);
  }
  const store = new SafeSecretStore(dataDir, ss);
  const plain = join(dataDir, PLAIN_FILE);
  const old = readSecretsFile(plain, isSecretMap, store.notices);
  if (old) {
    const missing = Object.fromEntries(
      Object.entries(old).filter(([id]) => store.get(id).length === 0),
    );
    store.setMany(missing);
    rmSync(plain, { force: true });
  }
  return store;
}
