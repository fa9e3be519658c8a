import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/core/ids';

describe('uuidv7', () => {
  it('is a version 7 UUID whose first 48 bits are the time, so ids sort by time', () => {
    const at = Date.UTC(2026, 10, 27, 12);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const later = uuidv7(at + 1);
    expect(later > id).toBe(true);
  });

  it('does not repeat across many ids (the random pool refills)', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => uuidv7(0)));
    expect(ids.size).toBe(5000);
  });
});
