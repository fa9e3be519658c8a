// The durable reference (issue 16): the least a server can do and still ack only what is on
// disk. node:http reads each body, one INSERT per delivery (its id and body) into SQLite in WAL
// mode with synchronous=FULL, deliveries that arrive together committed together (group
// commit: one transaction per turn of the event loop), and each answered 200 only after its
// commit. No checks, no indexes beyond the rowid, nothing else: the ceiling of a durable ack on
// the machine at hand. Prints one JSON ready line with its URL; stops on SIGTERM/SIGINT.
// Argument: the data folder.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { serveForBench } from './server-life.mjs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/lean-server.mjs DATA_DIR');
const db = new Database(join(dir, 'lean.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS deliveries (id TEXT NOT NULL, body BLOB NOT NULL)');
const insert = db.prepare('INSERT INTO deliveries (id, body) VALUES (?, ?)');
const commit = db.transaction((batch) => {
  for (const d of batch) insert.run(d.id, d.body);
});

const BODY = '{"ok":true}';
const HEADERS = ['Content-Type', 'application/json', 'Content-Length', String(BODY.length)];
let queue = [];
let scheduled = false;

function flush() {
  scheduled = false;
  const batch = queue;
  queue = [];
  try {
    commit(batch);
    for (const d of batch) {
      d.res.writeHead(200, HEADERS);
      d.res.end(BODY);
    }
  } catch {
    for (const d of batch) {
      d.res.writeHead(503);
      d.res.end();
    }
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('error', () => res.destroy());
  req.on('end', () => {
    queue.push({ id: randomUUID(), body: Buffer.concat(chunks), res });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
});

serveForBench(server, () => db.close());
