/**
 * textSafe (the PostgreSQL log's guard against NUL in text columns) runs on every delivery: it
 * must hand back the same object when there is nothing to clean (no copy on the hot path), and
 * clean every string, nested ones too, when there is.
 */
import { expect, it } from 'vitest';
import { textSafe } from '../../../src/core/store/pg/event-log';
import { delivery } from '../../helpers/events';

it('returns the delivery itself when no text holds NUL', () => {
  const e = delivery({ eventType: 'invoice.paid' });
  expect(textSafe(e)).toBe(e);
});

it('replaces NUL with U+FFFD in nested strings, keeping the body bytes', () => {
  const e = delivery({
    eventType: 'a\u0000b',
    query: 'k=v\u0000',
    idempotency: { key: 'evt\u00001', source: 'body id' },
  });
  const safe = textSafe(e);
  expect(safe).not.toBe(e);
  expect(safe.eventType).toBe('a\ufffdb');
  expect(safe.query).toBe('k=v\ufffd');
  expect(safe.idempotency.key).toBe('evt\ufffd1');
  expect(safe.body).toBe(e.body);
  expect(safe.headers).toBe(e.headers);
});
