import { wholeDetail } from '../../src/shared/event-body';
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { searchFields } from '../../src/core/store/search-text';
import {
  decodeBody,
  decodeBounded,
  displayDecodeLimit,
  DISPLAY_MIN,
  MAX_DECODED,
} from '../../src/core/decode-body';
import { rawRequest } from '../helpers/http';
import { startEngine } from '../helpers/engine';

const text = '{"event":"compressed","n":1}';

describe('decodeBody', () => {
  it('undoes gzip, deflate (zlib and raw) and br, and stacked encodings in reverse order', async () => {
    const plain = Buffer.from(text);
    for (const [enc, bytes] of [
      ['gzip', gzipSync(plain)],
      ['deflate', deflateSync(plain)],
      ['deflate', deflateRawSync(plain)],
      ['br', brotliCompressSync(plain)],
      ['gzip, br', brotliCompressSync(gzipSync(plain))],
    ] as const) {
      const d = await decodeBody([['Content-Encoding', enc]], bytes);
      expect(d, enc).toMatchObject({ encoding: enc, text, size: plain.length });
    }
    expect(await decodeBody([], plain)).toMatchObject({ encoding: null, text });
  });

  it('reports corrupt data and unknown encodings instead of throwing', async () => {
    const bad = await decodeBody([['Content-Encoding', 'gzip']], Buffer.from('not gzip'));
    expect(bad.error).toMatch(/could not decode/);
    expect(Buffer.from(bad.base64, 'base64').toString()).toBe('not gzip');
    expect((await decodeBody([['Content-Encoding', 'zstd']], Buffer.from('x'))).error).toMatch(
      /unsupported Content-Encoding "zstd"/,
    );
  });

  it('decodes a bomb only to its first part for display, and says so (brotli, stacked gzip)', async () => {
    // Regression (attack F2): a 106-byte brotli body decoded to 154 MB on the engine's thread
    // (13 s, 877 MB RSS) when the Body tab opened; 18 KB of gzip×4 stored-block layers too.
    const zeros = Buffer.alloc(MAX_DECODED - 1, 'a');
    const br = brotliCompressSync(zeros, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
    expect(br.length).toBeLessThan(200);
    const d = await decodeBody([['Content-Encoding', 'br']], br);
    expect(d.size).toBe(DISPLAY_MIN);
    expect(d.text).toBe('a'.repeat(DISPLAY_MIN));
    expect(d.shown).toBe(
      'decoded: first 1 MB shown; the body decodes to more, which Hookscope does not decode for display',
    );
    // Four gzip layers of stored blocks: every layer's output counts against one budget.
    let layered: Buffer = Buffer.alloc(2 * 1024 * 1024, 'b');
    for (let i = 0; i < 4; i++) layered = gzipSync(layered, { level: i === 0 ? 9 : 0 });
    const g = await decodeBody([['Content-Encoding', 'gzip, gzip, gzip, gzip']], layered);
    expect(g.size).toBeLessThanOrEqual(displayDecodeLimit(layered.length));
    expect(g.shown).toMatch(/^decoded: first .* shown/);
    expect(g.text).toBe('b'.repeat(g.size));
    // A body decoding to less than the limit is given whole, without `shown`.
    const small = await decodeBody(
      [['Content-Encoding', 'gzip']],
      gzipSync(Buffer.alloc(DISPLAY_MIN - 1, 'c')),
    );
    expect(small.size).toBe(DISPLAY_MIN - 1);
    expect(small.shown).toBeUndefined();
    // A cut inside a multi-byte character keeps the text whole up to it.
    const euros = brotliCompressSync(Buffer.from('€'.repeat(DISPLAY_MIN)));
    const e = await decodeBody([['Content-Encoding', 'br']], euros);
    expect(e.text).toBe('€'.repeat(Math.floor(DISPLAY_MIN / 3)));
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

describe('decoding for search', () => {
  it('is bounded by the display cap, every layer counted: a body decoding past it is not searched', async () => {
    const MB = 1024 * 1024;
    // 15 MB of one word, gzip: 15 KB stored, cap 1 MB (it used to be decoded whole to search it).
    const plain = Buffer.from('word '.repeat(3 * MB));
    const big = gzipSync(plain);
    const limit = displayDecodeLimit(big.length);
    expect(limit).toBeLessThan(plain.length);
    const headers: [string, string][] = [['Content-Encoding', 'gzip']];
    expect(decodeBounded(headers, big)).toEqual({
      encoding: 'gzip',
      error: `could not decode: the decoded body is larger than ${+(limit / MB).toFixed(1)} MB (64× its stored size, 1–4 MB)`,
    });
    expect(searchFields({ path: '/', query: '', headers }, big, big.length)).toMatchObject({
      body: '',
      coverage: 'none',
    });
    // Display shows its start under the same cap.
    expect((await decodeBody(headers, big)).size).toBe(limit);
    // Stacked layers: every layer's output counts against 2× the cap, not the cap per layer.
    let layered: Buffer = Buffer.alloc(900 * 1024, 'b');
    // Two layers of stored blocks (as large as what they hold), then one that shrinks it all.
    for (const level of [0, 0, 9]) layered = gzipSync(layered, { level });
    const three: [string, string][] = [['Content-Encoding', 'gzip, gzip, gzip']];
    expect(displayDecodeLimit(layered.length)).toBe(MB);
    expect(decodeBounded(three, layered)).toMatchObject({ error: /larger than 1 MB/ });
    // Within the cap, decoded whole and searched.
    const small = gzipSync(Buffer.from('needle in a compressed haystack'));
    expect(searchFields({ path: '/', query: '', headers }, small, small.length)).toMatchObject({
      body: 'needle in a compressed haystack',
      coverage: 'all',
    });
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
