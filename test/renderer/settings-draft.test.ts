import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/shared/defaults';
import { fromDraft, toDraft } from '../../src/renderer/src/model/settings-draft';

describe('settings form', () => {
  it('shows stored values in the form units and reads them back unchanged', () => {
    const d = toDraft(DEFAULT_SETTINGS);
    expect(d).toMatchObject({
      maxBodyMb: '25',
      maxHeaderKb: '64',
      headersTimeoutSec: '30',
      forwardTimeoutSec: '30',
      minFreeDiskMb: '200',
      perSecond: '50',
      rateLimited: true,
    });
    expect(fromDraft(d, DEFAULT_SETTINGS)).toEqual({ settings: DEFAULT_SETTINGS, errors: {} });
  });

  it('reads blank retention as no limit and an unticked rate limit as off', () => {
    const d = { ...toDraft(DEFAULT_SETTINGS), maxEvents: ' ', maxAgeDays: '', rateLimited: false };
    const { settings } = fromDraft(d, DEFAULT_SETTINGS);
    expect(settings?.retention).toEqual({ maxEvents: null, maxAgeDays: null });
    expect(settings?.receiver.rateLimit).toBeNull();
    // Turned back on, the form offers the defaults again.
    expect(toDraft(settings!)).toMatchObject({ rateLimited: false, perSecond: '50', burst: '200' });
  });

  it('converts units: 1.5 MB, 2.5 s', () => {
    const d = { ...toDraft(DEFAULT_SETTINGS), maxBodyMb: '1.5', headersTimeoutSec: '2.5' };
    const { settings } = fromDraft(d, DEFAULT_SETTINGS);
    expect(settings?.receiver.maxBodyBytes).toBe(1.5 * 1024 * 1024);
    expect(settings?.receiver.headersTimeoutMs).toBe(2500);
  });

  it('says every bad field in one round, each naming the field and what it takes in its unit (issue 14 #6)', () => {
    const d = {
      ...toDraft(DEFAULT_SETTINGS),
      maxBodyMb: '0.0001',
      concurrency: 'lots',
      headersTimeoutSec: '0.5',
      maxEvents: '0',
      maxAttempts: '2.5',
    };
    const { settings, errors } = fromDraft(d, DEFAULT_SETTINGS);
    expect(settings).toBeNull();
    expect(errors).toEqual({
      concurrency: 'Forwards at once: a whole number from 1 to 64',
      maxBodyMb: 'Largest body (MB): a number from 0.001 to 1,024',
      headersTimeoutSec: 'Headers within (s): a number from 1 to 3,600',
      maxEvents: 'Keep at most (events): a whole number of at least 1, or blank for no limit',
      maxAttempts: 'Attempts before the dead-letter list: a whole number from 1 to 50',
    });
    // Written with thousands separators, as the messages show them.
    expect(
      fromDraft({ ...toDraft(DEFAULT_SETTINGS), maxEvents: '10,000' }, DEFAULT_SETTINGS).settings
        ?.retention.maxEvents,
    ).toBe(10_000);
  });

  it('reads back every setting unchanged, the per-client connection cap included (issue 13)', () => {
    const s = {
      retention: { maxEvents: 777, maxAgeDays: 3 },
      forwarding: { paused: true, concurrency: 3, timeoutMs: 4000, maxAttempts: 2 },
      receiver: {
        ...DEFAULT_SETTINGS.receiver,
        maxBodyBytes: 2 * 1024 * 1024,
        maxConnections: 900,
        maxConnectionsPerClient: 5,
        rateLimit: { perSecond: 7, burst: 9 },
        minFreeDiskBytes: 10 * 1024 * 1024,
      },
    };
    const d = toDraft(s);
    expect(d.maxConnectionsPerClient).toBe('5');
    expect(fromDraft(d, s)).toEqual({ settings: s, errors: {} });
    // Saved with the rate limit off, the other receiver settings stay as they were.
    const off = fromDraft({ ...d, rateLimited: false }, s).settings!;
    expect(off.receiver).toEqual({ ...s.receiver, rateLimit: null });
  });
});
