import { wholeDetail } from '../../src/shared/event-body';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/core/decode-body';
import { rawRequest } from '../helpers/http';
import { startEngine } from '../helpers/engine';

const text = '{"event":"compressed","n":1}';

describe('decodeBody', () => {
  it('undoes gzip, deflate (zlib and raw) and br, and stacked encodings in reverse order', () => {
    const plain = Buffer.from(text);
    for (const [enc, bytes] of [
      ['gzip', gzipSync(plain)],
      ['deflate', deflateSync(plain)],
      ['deflate', deflateRawSync(plain)],
      ['br', brotliCompressSync(plain)],
      ['gzip, br', brotliCompressSync(gzipSync(plain))],
    ] as const) {
      const d = decodeBody([['Content-Encoding', enc]], bytes);
      expect(d, enc).toMatchObject({ encoding: enc, text, size: plain.length });
    }
    expect(decodeBody([], plain)).toMatchObject({ encoding: null, text });
  });

  it('reports corrupt data and unknown encodings instead of throwing', () => {
    const bad = decodeBody([['Content-Encoding', 'gzip']], Buffer.from('not gzip'));
    expect(bad.error).toMatch(/could not decode/);
    expect(Buffer.from(bad.base64, 'base64').toString()).toBe('not gzip');
    expect(decodeBody([['Content-Encoding', 'zstd']], Buffer.from('x')).error).toMatch(
      /unsupported Content-Encoding "zstd"/,
    );
  });

  it('is served by the decodeBody command while getEvent keeps the stored bytes', async () => {
    const t = await startEngine();
    try {
      const gz = gzipSync(Buffer.from(text));
      await rawRequest(t.receiverUrl, { headers: [['Content-Encoding', 'gzip']], body: gz });
      const { items } = await t.client.listEvents({});
      const id = items[0]!.id;
      expect((await t.client.decodeBody({ id })).text).toBe(text);
      expect(
        Buffer.from(
          (await wholeDetail(t.client, await t.client.getEvent({ id }))).body.base64,
          'base64',
        ).equals(gz),
      ).toBe(true);
    } finally {
      await t.stop();
    }
  });
});

describe('listEvents filters', () => {
  it('filters by method, signature status and duplicates', async () => {
    const t = await startEngine();
    try {
      await rawRequest(t.receiverUrl, {
        method: 'PUT',
        path: '/a',
        headers: [['Idempotency-Key', 'k']],
      });
      await rawRequest(t.receiverUrl, {
        method: 'POST',
        path: '/b',
        headers: [['Idempotency-Key', 'k']],
      });
      await rawRequest(t.receiverUrl, {
        method: 'POST',
        path: '/c',
        headers: [['stripe-signature', `t=1,v1=${'0'.repeat(64)}`]],
      });
      const paths = async (f: Parameters<typeof t.client.listEvents>[0]) =>
        (await t.client.listEvents(f)).items.map((e) => e.path);
      expect(await paths({ method: 'put' })).toEqual(['/a']);
      expect(await paths({ duplicatesOnly: true })).toEqual(['/b']);
      expect(await paths({ signatureStatus: ['no-secret'] })).toEqual(['/c']);
      expect(await paths({ signatureStatus: ['none', 'no-secret'] })).toEqual(['/c', '/b', '/a']);
      expect(await paths({ forwardStatus: ['failed'] })).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});
