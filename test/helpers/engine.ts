import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { Engine, type EngineOptions } from '../../src/core/engine';
import type { Client } from '../../src/shared/dispatch';

/** A fresh temp data dir, removed by the returned cleanup. */
export function tempDir(prefix = 'hookscope-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh temp dir, removed when the running test finishes (call it inside a test). */
export function testDir(prefix?: string): string {
  const { dir, cleanup } = tempDir(prefix);
  onTestFinished(cleanup);
  return dir;
}

export interface TestEngine {
  engine: Engine;
  client: Client;
  receiverUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts a real engine (real SQLite file, receiver on port 0) with an in-process client. */
export async function startEngine(opts: Partial<EngineOptions> = {}): Promise<TestEngine> {
  const { dir, cleanup } = opts.dataDir
    ? { dir: opts.dataDir, cleanup: () => undefined }
    : tempDir();
  const engine = new Engine({ dataDir: dir, receiverPort: 0, ...opts });
  const { receiverUrl } = await engine.start();
  return {
    engine,
    client: engine.client,
    receiverUrl,
    dataDir: dir,
    async stop() {
      await engine.stop();
      cleanup();
    },
  };
}
