import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64, partBytes, toBase64, wholeBody } from '../../src/shared/event-body';

describe('base64 for body parts (shared by the UI and the CLI)', () => {
  it('matches Node for every length and round-trips, up to 4 MB', () => {
    for (let n = 0; n < 64; n++) {
      const b = randomBytes(n);
      expect(toBase64(b)).toBe(b.toString('base64'));
      expect(Buffer.from(fromBase64(b.toString('base64'))).equals(b)).toBe(true);
    }
    const big = randomBytes(4 * 1024 * 1024 + 1);
    const s = toBase64(big);
    expect(s).toBe(big.toString('base64'));
    expect(Buffer.from(fromBase64(s)).equals(big)).toBe(true);
    expect(() => fromBase64('ab$c')).toThrow(/not base64/);
  });

  it('gives a text part back as its exact UTF-8 bytes, BOM included', () => {
    const text = '\ufeff{"a":"€😀"}';
    expect(Buffer.from(partBytes({ text })).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });
});

describe('wholeBody', () => {
  it('fetches the rest a part at a time and tells the bytes so far after each part', async () => {
    const whole = Buffer.from('0123456789abcdefghij');
    const asked: [number, number][] = [];
    const client = {
      getEventBody: async ({ offset, length }: { id: string; offset: number; length: number }) => {
        asked.push([offset, length]);
        const part = whole.subarray(offset, offset + Math.min(length, 7));
        return {
          base64: part.toString('base64'),
          text: part.toString('utf8'),
          length: part.length,
        };
      },
    };
    const loaded: number[] = [];
    const got = await wholeBody(
      client as never,
      { id: 'e1', body: { base64: '', text: '01234', size: whole.length, length: 5 } } as never,
      (n) => loaded.push(n),
    );
    expect(Buffer.from(got.bytes).equals(whole)).toBe(true);
    expect(got.text).toBe(whole.toString('utf8'));
    expect(asked.map(([o]) => o)).toEqual([5, 12, 19]);
    expect(loaded).toEqual([12, 19, 20]);
  });
});
