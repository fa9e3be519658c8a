import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The page's Content-Security-Policy: nothing but our own scripts and API. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Serves the built renderer from `root` (GET/HEAD); unknown paths get index.html. */
export function serveStatic(
  root: string,
  urlPath: string,
  method: string,
  res: ServerResponse,
): void {
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('The UI is not built. Run `npm run build` and start again.\n');
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    rel = '/';
  }
  const candidate = normalize(join(root, rel));
  const inside = candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep);
  const file = inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : index;
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': file === index ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  if (method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}
