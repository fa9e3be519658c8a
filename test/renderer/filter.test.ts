import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTER,
  filterKey,
  isEmptyFilter,
  matchesFilter,
  parseFilter,
  toListInput,
  writeFilter,
  type Filter,
} from '../../src/shared/filters';
import { summary } from './fixtures';

const full: Filter = {
  query: 'invoice paid',
  method: 'POST',
  endpointId: 'ep1',
  signature: ['invalid', 'stale'],
  duplicatesOnly: true,
  refusedOnly: true,
  failedForwardsOnly: true,
  jobId: 'batch_1',
  eventType: 'batch.completed',
};

describe('filter in the URL hash', () => {
  it('round-trips every criterion and keeps unrelated parameters', () => {
    const params = new URLSearchParams('event=abc');
    writeFilter(params, full);
    const back = parseFilter(new URLSearchParams(params.toString()));
    expect(back).toEqual(full);
    expect(params.get('event')).toBe('abc');
  });

  it('removes unset criteria and ignores unknown signature statuses', () => {
    const params = writeFilter(new URLSearchParams('q=x&dup=1'), EMPTY_FILTER);
    expect(params.toString()).toBe('');
    expect(parseFilter(new URLSearchParams('sig=valid,bogus,valid&method=post')).signature).toEqual(
      ['valid'],
    );
    expect(parseFilter(new URLSearchParams('method=post')).method).toBe('POST');
  });

  it('gives equal keys to equal filters', () => {
    expect(filterKey({ ...full, signature: ['stale', 'invalid'] })).toBe(filterKey(full));
    expect(isEmptyFilter({ ...EMPTY_FILTER, query: '   ' })).toBe(true);
    expect(isEmptyFilter(full)).toBe(false);
  });
});

describe('toListInput', () => {
  it('maps the filter to listEvents input', () => {
    expect(toListInput(full)).toEqual({
      query: 'invoice paid',
      method: 'POST',
      endpointId: 'ep1',
      signatureStatus: ['invalid', 'stale'],
      duplicatesOnly: true,
      refusedOnly: true,
      forwardStatus: ['retrying', 'failed', 'dead'],
      jobId: 'batch_1',
      eventType: 'batch.completed',
    });
    expect(toListInput(EMPTY_FILTER)).toEqual({});
  });
});

describe('matchesFilter', () => {
  it('tells live events in or out, and defers text search to the server', () => {
    const e = summary(1, { method: 'POST', signature: { status: 'invalid', provider: 'stripe' } });
    expect(matchesFilter(EMPTY_FILTER, e)).toBe(true);
    expect(matchesFilter({ ...EMPTY_FILTER, method: 'GET' }, e)).toBe(false);
    expect(matchesFilter({ ...EMPTY_FILTER, signature: ['invalid'] }, e)).toBe(true);
    expect(matchesFilter({ ...EMPTY_FILTER, signature: ['valid'] }, e)).toBe(false);
    expect(matchesFilter({ ...EMPTY_FILTER, duplicatesOnly: true }, e)).toBe(false);
    const dup = summary(2, { idempotency: { duplicateOf: 'e1', deliveryCount: 2 } });
    expect(matchesFilter({ ...EMPTY_FILTER, duplicatesOnly: true }, dup)).toBe(true);
    expect(matchesFilter({ ...EMPTY_FILTER, refusedOnly: true }, e)).toBe(false);
    const refused = summary(4, {
      rejected: 'body larger than the limit',
      response: { status: 413 },
    });
    expect(matchesFilter({ ...EMPTY_FILTER, refusedOnly: true }, refused)).toBe(true);
    const failed = summary(3, { forward: { status: 'dead' } });
    expect(matchesFilter({ ...EMPTY_FILTER, failedForwardsOnly: true }, failed)).toBe(true);
    expect(matchesFilter({ ...EMPTY_FILTER, jobId: 'j' }, e)).toBe(false);
    expect(matchesFilter({ ...EMPTY_FILTER, query: 'x' }, e)).toBeNull();
    expect(matchesFilter({ ...EMPTY_FILTER, query: 'x', method: 'GET' }, e)).toBe(false);
  });
});
