import { wholeDetail } from '../../src/shared/event-body';
import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http';
import { startEngine, type TestEngine } from '../helpers/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startEngine();
});
afterAll(() => t.stop());

/** Writes raw bytes to the receiver and reads whatever comes back until it closes. */
function rawBytes(bytes: Buffer): Promise<string> {
  const url = new URL(t.receiverUrl);
  return new Promise((resolve) => {
    const s = connect(Number(url.port), url.hostname);
    let out = '';
    s.on('data', (c) => (out += c.toString('latin1')));
    s.on('error', () => resolve(out));
    s.on('close', () => resolve(out));
    s.setTimeout(2000, () => s.destroy());
    s.end(bytes);
  });
}

const token = fc.stringMatching(/^[A-Z][A-Z0-9!#$%&'*+.^_`|~-]{0,15}$/);
const pathSegment = fc.oneof(
  fc.constantFrom('..', '.', '%00', '%zz', '%', 'é', '🙂', '%2F', ';', '~', "'"),
  fc.stringMatching(/^[a-zA-Z0-9._~!$&'()*+,;=:@-]{0,12}$/),
);
const path = fc.array(pathSegment, { maxLength: 6 }).map((segs) => `/${segs.join('/')}`);
const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/);
const headerValue = fc.string({ maxLength: 60 }).map((v) => v.replace(/[\r\n\0]/g, ' ').trim());

describe('receiver under hostile input', () => {
  it('stores every accepted request byte-exact, whatever the method, path, headers and body', async () => {
    await fc.assert(
      fc.asyncProperty(
        token,
        path,
        fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 2048 }),
        async (method, p, headers, body) => {
          const res = await rawRequest(t.receiverUrl, {
            method,
            path: p,
            headers: headers.filter(
              ([n]) =>
                !/^(host|content-length|transfer-encoding|connection|expect|upgrade)$/i.test(n),
            ),
            body: Buffer.from(body),
          });
          if (res.status !== 200) return; // a request HTTP itself refuses is not a delivery
          const { items } = await t.client.listEvents({ limit: 1 });
          const e = await wholeDetail(t.client, await t.client.getEvent({ id: items[0]!.id }));
          expect(e.method).toBe(method);
          expect(Buffer.from(e.body.base64, 'base64').equals(Buffer.from(body))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers malformed requests, huge header counts and JSON bombs and stays up', async () => {
    const garbage = [
      Buffer.from('GARBAGE\r\n\r\n'),
      Buffer.from(
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
      ),
      Buffer.from('POST /%%% HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n'),
      Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\n${'X-H: v\r\n'.repeat(10_000)}\r\n`),
    ];
    for (const g of garbage) {
      const answer = await rawBytes(g);
      // Either an HTTP error status or a closed connection, never a crash.
      if (answer) expect(answer).toMatch(/^HTTP\/1\.1 (4\d\d|2\d\d)/);
    }
    const bomb = '['.repeat(100_000) + ']'.repeat(100_000);
    const deep = await rawRequest(t.receiverUrl, {
      path: '/bomb',
      headers: [['Content-Type', 'application/json']],
      body: bomb,
    });
    expect(deep.status).toBe(200);
    // The same bomb as a recognised provider's delivery goes through parsing and the schema.
    const parsed = await rawRequest(t.receiverUrl, {
      path: '/bomb',
      headers: [
        ['User-Agent', 'OpenAI/1.0'],
        ['webhook-id', 'msg_bomb'],
        ['webhook-timestamp', '1'],
        ['webhook-signature', 'v1,AAAA'],
      ],
      body: bomb,
    });
    expect(parsed.status).toBe(200);
    const [b] = (await t.client.listEvents({ limit: 1 })).items;
    expect(b!.signature.provider).toBe('openai');
    const gz = await rawRequest(t.receiverUrl, {
      headers: [['Content-Encoding', 'gzip']],
      body: 'not gzip at all',
    });
    expect(gz.status).toBe(200);
    const { items } = await t.client.listEvents({ limit: 1 });
    expect((await t.client.decodeBody({ id: items[0]!.id })).error).toMatch(/could not decode/);
    // Still responsive.
    expect((await rawRequest(t.receiverUrl, { path: '/after', body: 'ok' })).status).toBe(200);
  });
});
