// What the bench's own servers (bare-server.mjs, lean-server.mjs) share: the JSON ready line,
// a clean stop on SIGTERM/SIGINT, and never outliving the bench.

/** Listens on a free loopback port, prints `{"event":"ready","url":…}`, stops on signals. */
export function serveForBench(server, onClose = () => {}) {
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    process.stdout.write(
      JSON.stringify({ event: 'ready', url: `http://127.0.0.1:${port}` }) + '\n',
    );
  });
  const stop = () => {
    server.close(() => {
      onClose();
      process.exit(0);
    });
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Exit if the parent goes away (the child is then re-parented).
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1000).unref();
}
