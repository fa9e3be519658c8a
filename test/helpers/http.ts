import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/**
 * Sends one HTTP/1.1 request over a plain socket, byte for byte as given (header order,
 * duplicates and case kept, no header added except Host, Content-Length and Connection: close when
 * absent), and reads the whole response.
 */
export function rawRequest(
  baseUrl: string,
  opts: { method?: string; path?: string; headers?: [string, string][]; body?: Buffer | string },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body =
    typeof opts.body === 'string' ? Buffer.from(opts.body) : (opts.body ?? Buffer.alloc(0));
  const headers: [string, string][] = [...(opts.headers ?? [])];
  const has = (n: string): boolean => headers.some(([h]) => h.toLowerCase() === n);
  if (!has('host')) headers.unshift(['Host', url.host]);
  if (!has('content-length') && !has('transfer-encoding'))
    headers.push(['Content-Length', String(body.length)]);
  if (!has('connection')) headers.push(['Connection', 'close']);
  const head =
    `${opts.method ?? 'POST'} ${opts.path ?? '/'} HTTP/1.1\r\n` +
    headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') +
    '\r\n';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      if (sep === -1) return reject(new Error(`no HTTP response: ${all.toString()}`));
      const lines = all.subarray(0, sep).toString('latin1').split('\r\n');
      const status = Number(lines[0]!.split(' ')[1]);
      const respHeaders = lines.slice(1).map((l) => {
        const i = l.indexOf(':');
        return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string];
      });
      resolve({ status, headers: respHeaders, body: all.subarray(sep + 4) });
    });
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}
