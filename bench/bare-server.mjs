// The baseline: a bare node:http server that reads each request body fully and answers
// exactly what hookscope's default endpoint answers (200, application/json, {"ok":true}),
// storing nothing. Run as its own process so that it gets a core of its own, like
// `hookscope serve`. Prints one JSON ready line with its URL; stops on SIGTERM/SIGINT.
import { createServer } from 'node:http';
import { serveForBench } from './server-life.mjs';

const BODY = '{"ok":true}';
const HEADERS = [
  'Content-Type',
  'application/json',
  'Content-Length',
  String(Buffer.byteLength(BODY)),
];

const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('error', () => res.destroy());
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
});

serveForBench(server);
