import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where endpoint secrets live. They never go into the SQLite log or to a UI: the engine asks
 * this store when it verifies or signs. Electron provides an OS-encrypted implementation.
 */
export interface SecretStore {
  get(endpointId: string): string[];
  set(endpointId: string, secrets: string[]): void;
  delete(endpointId: string): void;
}

/** Values kept by a SecretStore that persists opaque strings (e.g. the tunnel authtoken). */
export type SecretMap = Record<string, string[]>;

/**
 * Secrets in `secrets.json` in the data dir, readable only by the user (mode 0600), written
 * atomically. Used where the OS offers no keychain (headless mode).
 */
export class FileSecretStore implements SecretStore {
  private readonly file: string;
  private data: SecretMap;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'secrets.json');
    this.data = existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as SecretMap)
      : {};
  }

  get(endpointId: string): string[] {
    return this.data[endpointId] ?? [];
  }

  set(endpointId: string, secrets: string[]): void {
    this.data[endpointId] = [...secrets];
    this.save();
  }

  delete(endpointId: string): void {
    delete this.data[endpointId];
    this.save();
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}
