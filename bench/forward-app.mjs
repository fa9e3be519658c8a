// The app Hookscope forwards to in bench/forwarding.mjs: node:http answering 200 at once (after
// reading the body), counting the requests and noting when each bench event id arrived (system
// clock, ms). GET /stats answers `{ count, arrivals: { [eventId]: epochMs } }`; GET /reset
// clears both. Prints one JSON ready line with its URL; stops on SIGTERM/SIGINT.
import { createServer } from 'node:http';
import { serveForBench } from './server-life.mjs';
import { performance } from 'node:perf_hooks';

const ID = /"id":"(evt_[0-9a-z]{24})"/;
let count = 0;
let arrivals = {};

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    req.resume();
    const body = req.url === '/stats' ? JSON.stringify({ count, arrivals }) : '{}';
    if (req.url === '/reset') {
      count = 0;
      arrivals = {};
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
    return;
  }
  let head = '';
  req.setEncoding('latin1');
  req.on('data', (s) => {
    if (head.length < 256) head += s.slice(0, 256);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    count++;
    const m = ID.exec(head);
    if (m) arrivals[m[1]] = performance.timeOrigin + performance.now();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
    res.end('{"ok":true}');
  });
});

serveForBench(server);
