import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Notice } from '../shared/model';
import { corruptPath } from './store/open-log';

/**
 * Where endpoint secrets live. They never go into the SQLite log or to a UI: the engine asks
 * this store when it verifies or signs. Electron provides an OS-encrypted implementation.
 */
export interface SecretStore {
  get(endpointId: string): string[];
  set(endpointId: string, secrets: string[]): void;
  delete(endpointId: string): void;
  /** What was wrong with the store's file at start (a corrupt file set aside), for the user. */
  readonly notices?: Notice[];
}

/** Values kept by a SecretStore that persists opaque strings (e.g. the tunnel authtoken). */
export type SecretMap = Record<string, string[]>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed secrets.json: endpoint id (or tunnel key) → its list of secrets. */
export const isSecretMap = (v: unknown): v is SecretMap =>
  isObject(v) &&
  Object.values(v).every((l) => Array.isArray(l) && l.every((s) => typeof s === 'string'));

/**
 * Replaces `file` with `text`, readable by the owner only, so that a crash or power cut leaves
 * the old file or the new one whole: a temp file written and fsynced, renamed over the old
 * one, then the folder fsynced so that the rename itself is on disk.
 */
export function writePrivateFile(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600); // a temp file left by a crash keeps its old mode otherwise
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  // Windows cannot open a folder to fsync it (and its renames need no such step).
  if (process.platform === 'win32') return;
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Reads a JSON secrets file; null when there is none. One that cannot be read as `valid` wants
 * (cut short by a crash, written over) is moved aside as `<file>.corrupt-<time>`, never
 * deleted, and a notice in `notices` says where and what to do: the start goes on without it.
 */
export function readSecretsFile<T>(
  file: string,
  valid: (v: unknown) => v is T,
  notices: Notice[],
  now: () => number = Date.now,
): T | null {
  if (!existsSync(file)) return null;
  let why: string;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (valid(parsed)) return parsed;
    why = 'not the layout Hookscope writes';
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    why = err.message;
  }
  const movedTo = corruptPath(file, now());
  renameSync(file, movedTo);
  notices.push({
    code: 'secrets_recovered',
    message: `The secrets file ${file} could not be read (${why}). It was moved to ${movedTo} (nothing was deleted) and Hookscope started without it: enter your endpoints' signing secrets and the ngrok authtoken again.`,
    path: movedTo,
  });
  return null;
}

/**
 * Secrets in `secrets.json` in the data dir, readable only by the user (mode 0600), written
 * durably (see writePrivateFile). Used where the OS offers no keychain (headless mode).
 */
export class FileSecretStore implements SecretStore {
  private readonly file: string;
  private readonly data: SecretMap;
  readonly notices: Notice[] = [];

  constructor(dataDir: string, now?: () => number) {
    this.file = join(dataDir, 'secrets.json');
    this.data = readSecretsFile(this.file, isSecretMap, this.notices, now) ?? {};
  }

  get(endpointId: string): string[] {
    return this.data[endpointId] ?? [];
  }

  // The copy in memory changes only once the file was written: a failed write changes nothing.
  set(endpointId: string, secrets: string[]): void {
    this.save({ ...this.data, [endpointId]: [...secrets] });
    this.data[endpointId] = [...secrets];
  }

  delete(endpointId: string): void {
    const next = { ...this.data };
    delete next[endpointId];
    this.save(next);
    delete this.data[endpointId];
  }

  private save(next: SecretMap): void {
    writePrivateFile(this.file, JSON.stringify(next));
  }
}
