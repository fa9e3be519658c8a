// The baseline: a bare node:http server that reads each request body fully and answers
// exactly what hookscope's default endpoint answers (200, application/json, {"ok":true}),
// storing nothing. Run as its own process so that it gets a core of its own, like
// `hookscope serve`. Prints one JSON ready line with its URL; stops on SIGTERM/SIGINT.
import { createServer } from 'node:http';

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

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(JSON.stringify({ event: 'ready', url: `http://127.0.0.1:${port}` }) + '\n');
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// Never outlive the bench: exit if the parent goes away (the child is then re-parented).
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
