import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifier, type Note } from '../../src/main/notifications';
import type { EventSummary } from '../../src/shared/model';
import { eventSummary } from '../helpers/model';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function summary(over: Partial<EventSummary> & { id: string }): EventSummary {
  return eventSummary({ receivedAt: new Date(NOW - 1000).toISOString(), ...over });
}

// The clock and timers are the fake ones: held-back notifications are shown by a timer.
beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(enabled = true) {
  const shown: Note[] = [];
  const state = { enabled };
  const notify = createNotifier({
    enabled: () => state.enabled,
    show: (n) => shown.push(n),
  });
  const batch = (...items: EventSummary[]) => notify({ rev: 1, items });
  return { shown, state, notify, batch };
}

const invalid = (id: string, over: Partial<EventSummary> = {}) =>
  summary({ id, signature: { status: 'invalid', provider: 'stripe' }, ...over });

describe('native notifications', () => {
  it('announces a new delivery with an invalid signature once', () => {
    const { shown, batch } = setup();
    batch(invalid('a'), summary({ id: 'ok' }));
    expect(shown).toEqual([{ title: 'Invalid signature', body: 'POST /stripe (stripe)' }]);
    // The same event again (its forward status changed): no second notification.
    batch(invalid('a', { forward: { status: 'ok' } }));
    expect(shown).toHaveLength(1);
  });

  it('sums up many in one notification', () => {
    const { shown, batch } = setup();
    batch(invalid('a'), invalid('b'), invalid('c'));
    expect(shown).toEqual([
      { title: 'Invalid signatures', body: '3 deliveries failed verification' },
    ]);
  });

  it('ignores old deliveries re-published after a change', () => {
    const { shown, batch } = setup();
    batch(invalid('old', { receivedAt: new Date(NOW - 10 * 60_000).toISOString() }));
    expect(shown).toEqual([]);
  });

  it('announces a dead-lettered forward once', () => {
    const { shown, batch } = setup();
    batch(summary({ id: 'f', forward: { status: 'retrying' } }));
    expect(shown).toEqual([]);
    batch(summary({ id: 'f', forward: { status: 'dead' } }));
    batch(summary({ id: 'f', forward: { status: 'dead' } }));
    expect(shown).toEqual([
      { title: 'Forward dead-lettered', body: 'POST /stripe gave up after retries' },
    ]);
    vi.advanceTimersByTime(10_000);
    batch(
      summary({ id: 'g', forward: { status: 'dead' } }),
      summary({ id: 'h', forward: { status: 'dead' } }),
    );
    expect(shown.at(-1)).toEqual({
      title: 'Forwards dead-lettered',
      body: '2 forwards gave up after retries',
    });
  });

  it('shows nothing while turned off, and picks up again when turned on', () => {
    const { shown, batch, state } = setup(false);
    batch(invalid('a'), summary({ id: 'd', forward: { status: 'dead' } }));
    expect(shown).toEqual([]);
    state.enabled = true;
    batch(invalid('b'));
    expect(shown).toEqual([{ title: 'Invalid signature', body: 'POST /stripe (stripe)' }]);
  });

  it('shows at most one of a kind per 10 s however fast they come, summing up the rest', () => {
    const { shown, batch } = setup();
    // A sender with bad signatures: one delivery per live batch (every 50 ms) for 30 s.
    for (let i = 0; i < 600; i++) {
      batch(invalid(`e${i}`, { receivedAt: new Date(Date.now()).toISOString() }));
      vi.advanceTimersByTime(50);
    }
    // One at once, then one every 10 s summing up the ones held back: 4 in 30 s, not 600.
    const more = (n: number) => ({
      title: 'Invalid signatures',
      body: `${n} more deliveries with invalid signatures`,
    });
    expect(shown).toEqual([
      { title: 'Invalid signature', body: 'POST /stripe (stripe)' },
      more(199),
      more(200),
      more(200),
    ]);
    vi.advanceTimersByTime(60_000);
    expect(shown).toHaveLength(4);
  });

  it('holds each kind back on its own, and one held back alone is shown as itself', () => {
    const { shown, batch } = setup();
    batch(invalid('a'));
    batch(summary({ id: 'd1', forward: { status: 'dead' } }));
    batch(invalid('b', { path: '/b' }));
    expect(shown.map((n) => n.title)).toEqual(['Invalid signature', 'Forward dead-lettered']);
    vi.advanceTimersByTime(10_000);
    expect(shown.at(-1)).toEqual({ title: 'Invalid signature', body: 'POST /b (stripe)' });
  });

  it('drops what was held back when notifications are turned off before it is due', () => {
    const { shown, batch, state } = setup();
    batch(invalid('a'));
    batch(invalid('b'));
    state.enabled = false;
    vi.advanceTimersByTime(10_000);
    expect(shown).toHaveLength(1);
  });
});
