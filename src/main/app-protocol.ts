import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, relative } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './csp';

/**
 * The built UI is served from `app://hookscope/`, a privileged custom scheme, instead of
 * `file://` (Electron's checklist, item 18): the page gets a real origin of its own, only files
 * under the renderer folder can be read through it, and every response carries our CSP.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hookscope';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** For `protocol.registerSchemesAsPrivileged`, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file under `root` that an `app://hookscope/...` URL names (`/` is index.html), or null
 * for another scheme or host, a malformed escape, a NUL or backslash, or a path that leaves
 * `root` (`..`, encoded or not).
 */
export function resolveAppFile(root: string, url: string): string | null {
  let u: URL;
  let path: string;
  try {
    u = new URL(url);
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  if (path.includes('\0') || path.includes('\\')) return null;
  const file = join(root, normalize(path === '/' || path === '' ? '/index.html' : path));
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return file;
}

/** Response headers for a file served on the app scheme. */
export function appHeaders(file: string): Record<string, string> {
  return {
    'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  };
}

/**
 * The `protocol.handle` handler for the app scheme: GET/HEAD of files under `root` only;
 * 403 outside it, 404 when missing, 405 for other methods.
 */
export function createAppHandler(
  root: string,
  read: (file: string) => Promise<Uint8Array> = readFile,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405 });
    }
    const file = resolveAppFile(root, request.url);
    if (!file) return new Response(null, { status: 403 });
    let body: Uint8Array;
    try {
      body = await read(file);
    } catch {
      return new Response(null, { status: 404 });
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: appHeaders(file),
    });
  };
}
