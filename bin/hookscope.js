#!/usr/bin/env node
// The `hookscope` command: runs the built headless CLI (npm run build makes out/main/cli.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('hookscope: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(cli);
