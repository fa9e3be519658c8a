import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../helpers/serve-process';

/** Every path stored in the log, paging through it newest first. */
async function storedPaths(s: ServeProcess): Promise<Set<string>> {
  const paths = new Set<string>();
  let beforeSeq: number | undefined;
  for (;;) {
    const res = await s.api('listEvents', { limit: 500, ...(beforeSeq ? { beforeSeq } : {}) });
    const page = (await res.json()) as { items: { path: string; seq: number }[]; hasMore: boolean };
    for (const e of page.items) paths.add(e.path);
    if (!page.hasMore) return paths;
    beforeSeq = page.items.at(-1)!.seq;
  }
}

function post(agent: Agent, base: URL, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(JSON.stringify({ path, pad: 'x'.repeat(1500) }));
  });
}

/**
 * 32 keep-alive senders post until `killAfter` deliveries are acked, then the process gets
 * `signal`. Returns what was acked before the kill settled and how many were sent.
 */
async function loadThenKill(
  s: ServeProcess,
  signal: NodeJS.Signals,
  killAfter: number,
): Promise<{ acked: string[]; sent: number; exit: Awaited<ReturnType<ServeProcess['stop']>> }> {
  const base = new URL(s.receiverUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const acked: string[] = [];
  let next = 0;
  let killed = false;
  let kill!: () => void;
  const killedAt = new Promise<void>((r) => (kill = r));
  const worker = async (): Promise<void> => {
    // Bounded: each worker stops at the kill or after 200 requests.
    for (let i = 0; i < 200 && !killed; i++) {
      const path = `/durable/${next++}`;
      const status = await post(agent, base, path);
      if (status === 200) acked.push(path);
      if (acked.length >= killAfter && !killed) {
        killed = true;
        kill();
      }
    }
  };
  const workers = Array.from({ length: 32 }, worker);
  await killedAt;
  const exit = await s.stop(signal);
  await Promise.all(workers);
  agent.destroy();
  return { acked: [...acked], sent: next, exit };
}

describe('durability', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`loses no acknowledged delivery when stopped with ${signal} under concurrent load`, async () => {
      const s = await startServe();
      const { acked, sent, exit } = await loadThenKill(s, signal, 400);
      if (signal === 'SIGKILL') expect(exit.signal).toBe('SIGKILL');
      // SIGTERM is a clean stop: requests in flight are committed and answered, then exit 0.
      else expect(exit.code).toBe(0);
      expect(acked.length).toBeGreaterThanOrEqual(400);
      expect(sent).toBeGreaterThan(400); // requests were still in flight

      const again = await startServe({ dataDir: s.dataDir });
      try {
        const stored = await storedPaths(again);
        expect(acked.filter((p) => !stored.has(p))).toEqual([]);
      } finally {
        await again.stop();
        await s.dispose();
      }
    });
  }
});
