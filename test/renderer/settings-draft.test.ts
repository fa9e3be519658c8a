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

  it('names the field and the bound in its own unit when a value is out of range or not a number', () => {
    const d = {
      ...toDraft(DEFAULT_SETTINGS),
      maxBodyMb: '0.0001',
      concurrency: 'lots',
      headersTimeoutSec: '0.5',
    };
    expect(fromDraft(d, DEFAULT_SETTINGS).errors).toEqual({ concurrency: 'a number' });
    const fixed = fromDraft({ ...d, concurrency: '4' }, DEFAULT_SETTINGS);
    expect(fixed.settings).toBeNull();
    expect(fixed.errors).toEqual({ maxBodyMb: 'at least 0.001', headersTimeoutSec: 'at least 1' });
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
