/**
 * The control API beyond loopback only deliberately (issue 18): `serve --api-host` other than
 * loopback refuses to start without TLS; with its own certificate (made here by the system's
 * `openssl req`, self-signed) it is served over https and the Host/Origin guard accepts exactly
 * the configured public origin besides loopback.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedServeStart, startServe, type ServeProcess } from '../helpers/serve-process';
import { tokenIn, users } from '../helpers/users-cli';

let dir: string;
let cert: string;
let key: string;
let ca: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookscope-tls-'));
  cert = join(dir, 'cert.pem');
  key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=hookscope.test',
      '-addext',
      'subjectAltName=DNS:hookscope.test,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(cert, 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An https request to 127.0.0.1:`port`, trusting the test's certificate. */
function get(
  port: number,
  path: string,
  headers: Record<string, string>,
  servername = 'hookscope.test',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers, ca, servername },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

describe('serve --api-host', () => {
  it('refuses to serve the API beyond loopback without TLS, in one line, exit 1', async () => {
    for (const [args, line] of [
      [
        ['--api-host', '0.0.0.0'],
        '--api-host 0.0.0.0 serves the control API beyond this machine: only over TLS, give its certificate (--tls-cert FILE --tls-key FILE) or the https:// address of the reverse proxy in front of it (--public-url https://…)',
      ],
      [
        ['--api-host', '0.0.0.0', '--public-url', 'http://hooks.example.com'],
        '--public-url must be the https:// address people open, without a path, e.g. https://hooks.example.com (got "http://hooks.example.com")',
      ],
      [
        ['--api-host', '0.0.0.0', '--tls-cert', 'cert.pem'],
        '--tls-cert and --tls-key go together: give the certificate and its private key (PEM files)',
      ],
      [
        [
          '--api-host',
          '0.0.0.0',
          '--tls-cert',
          join(dir, 'none.pem'),
          '--tls-key',
          join(dir, 'none.pem'),
        ],
        `--tls-cert: cannot read ${join(dir, 'none.pem')} (ENOENT)`,
      ],
      [
        ['--api-host', '0.0.0.0', '--tls-cert', 'CERT', '--tls-key', 'KEY'],
        '--api-host 0.0.0.0 listens on every address: give --public-url https://NAME[:PORT], the address people open (requests for other names are refused)',
      ],
    ] as [string[], string][]) {
      const r = await failedServeStart(
        args.map((a) => (a === 'CERT' ? cert : a === 'KEY' ? key : a)),
      );
      expect([args.join(' '), r.code, r.out]).toEqual([args.join(' '), 1, `hookscope: ${line}\n`]);
    }
  });

  describe('with its own certificate', () => {
    let s: ServeProcess;
    let port: number;
    beforeAll(async () => {
      s = await startServe({
        args: [
          '--api-host',
          '0.0.0.0',
          '--tls-cert',
          cert,
          '--tls-key',
          key,
          '--public-url',
          'https://hookscope.test:8443',
        ],
      });
      port = Number(new URL(s.apiUrl).port);
    });
    afterAll(() => s?.dispose());

    it('is served over https, and accepts exactly the public origin besides loopback', async () => {
      expect(s.apiUrl).toBe(`https://127.0.0.1:${port}`);
      const auth = { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' };
      const ok = (h: Record<string, string>) => get(port, '/api/getStatus', { ...auth, ...h });
      // The public name, as the reverse proxy or a browser sends it.
      expect(
        (await ok({ Host: 'hookscope.test:8443', Origin: 'https://hookscope.test:8443' })).status,
      ).toBe(200);
      expect(
        (await ok({ Host: `127.0.0.1:${port}`, Origin: `https://127.0.0.1:${port}` })).status,
      ).toBe(200);
      // Nothing else: another name, another port, plain http, a look-alike.
      const refused: Record<string, string>[] = [
        { Host: 'evil.test:8443' },
        { Host: 'hookscope.test:9443' },
        { Host: 'hookscope.test' },
        { Host: 'hookscope.test:8443', Origin: 'https://evil.test' },
        { Host: 'hookscope.test:8443', Origin: 'http://hookscope.test:8443' },
        { Host: 'hookscope.test:8443', Origin: `http://127.0.0.1:${port}` },
        { Host: 'hookscope.test:8443', Origin: 'https://hookscope.test:8443.evil.test' },
      ];
      for (const h of refused) {
        const r = await ok(h);
        expect([h, r.status]).toEqual([h, 403]);
      }
    });

    it("a person's token works over https; failed sign-ins are limited (429, Retry-After)", async () => {
      // The CLI reaches the https API trusting the test's certificate.
      const added = await users(
        ['add', 'ivy', '--role', 'viewer', '--api', s.apiUrl, '--token', s.token],
        {
          NODE_EXTRA_CA_CERTS: cert,
        },
      );
      expect(added.code).toBe(0);
      const ivy = tokenIn(added.stdout);
      const as = (token: string) =>
        get(port, '/api/getStatus', {
          Host: 'hookscope.test:8443',
          Authorization: `Bearer ${token}`,
        });
      expect((await as(ivy)).status).toBe(200);
      const wrong = ivy.slice(0, -3) + (ivy.endsWith('AAA') ? 'BBB' : 'AAA');
      // Ten failures from one address: none, then a wrong one nine times.
      const none = await get(port, '/api/getStatus', { Host: 'hookscope.test:8443' });
      expect(none.status).toBe(401);
      for (let i = 0; i < 9; i++) expect((await as(wrong)).status).toBe(401);
      const limited = await as(wrong);
      expect(limited.status).toBe(429);
      expect(JSON.parse(limited.body)).toEqual({
        error: {
          code: 'unauthorized',
          message: expect.stringMatching(
            /^too many failed sign-ins from this address: try again in \d+ s$/,
          ) as unknown,
        },
      });
      // Not slowed: her token already worked here, and the local token.
      expect((await as(ivy)).status).toBe(200);
      expect((await as(s.token)).status).toBe(200);
    });

    it('a plain-http request to the TLS port gets no answer from the API', async () => {
      const r = await fetch(`http://127.0.0.1:${port}/api/getStatus`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${s.token}` },
      }).then(
        (res) => res.status,
        () => 'refused',
      );
      expect(r).not.toBe(200);
    });
  });
});
