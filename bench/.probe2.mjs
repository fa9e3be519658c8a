import { createJiti } from 'jiti';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const jiti = createJiti(import.meta.url);
const { openLog } = await jiti.import('/work/main/src/core/store/open-log.ts');
const { EventStore } = await jiti.import('/work/main/src/core/store/event-store.ts');
async function run(drop) {
  const dir = mkdtempSync(join(tmpdir(), 'p2-'));
  const { db } = openLog({ dataDir: dir }, Date.now);
  if (drop) db.exec('DROP TRIGGER events_count_insert; DROP TRIGGER events_count_update; DROP TRIGGER events_count_delete');
  db.pragma('synchronous = OFF');
  const store = new EventStore(db);
  const body = Buffer.alloc(2048, 97);
  const mk = (i) => ({ id: `e${i}`, receivedAt: Date.now(), method: 'POST', path: '/h', query: '', headers: [['a','b']], body, sourceIp: '127.0.0.1', viaTunnel: false, publicUrl: null, signature: { status: 'valid', provider: 'stripe', reason: '' }, idempotency: { key: `k${i}`, source: 'x' }, schema: { status: 'none' }, eventType: null, jobId: null, endpointId: 'default', contentType: 'application/json' });
  const disp = () => ({ responseStatus: 200, forwardStatus: 'none', forwardTarget: null });
  const N = 20000;
  const u0 = process.cpuUsage();
  for (let b = 0; b < N; b += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => store.append(mk(b + j), disp)));
  }
  const u = process.cpuUsage(u0);
  console.log(drop ? 'no triggers' : 'triggers', ((u.user + u.system) / N).toFixed(1), 'µs CPU/append');
  db.close();
}
for (let i = 0; i < 2; i++) { await run(true); await run(false); }
