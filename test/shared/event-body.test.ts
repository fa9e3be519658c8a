import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64, partBytes, toBase64 } from '../../src/shared/event-body';

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
