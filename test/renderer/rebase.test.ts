import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/shared/defaults';
import { rebaseDraft, resolve } from '../../src/renderer/src/model/rebase';
import {
  SETTINGS_FIELDS,
  toDraft as settingsDraft,
} from '../../src/renderer/src/model/settings-draft';
import { ENDPOINT_FIELDS, toDraft } from '../../src/renderer/src/model/endpoint-draft';
import type { Endpoint } from '../../src/shared/model';
import { endpoint as anEndpoint } from '../helpers/model';

const endpoint = (over: Partial<Endpoint>): Endpoint =>
  anEndpoint({
    id: 'ep1',
    name: 'Orders',
    path: '/orders',
    response: { status: 200, headers: [], body: '{"ok":true}' },
    ...over,
  });

describe('rebasing a form onto a change made elsewhere (issue 14 #5)', () => {
  it('keeps the user edits and takes the other fields when they do not overlap', () => {
    const base = endpoint({});
    const theirs = endpoint({ rev: 2, forwardTo: 'http://localhost:4000/new' });
    const mine = { ...toDraft(base), name: 'Orders (mine)' };
    const r = rebaseDraft(toDraft(base), mine, toDraft(theirs), ENDPOINT_FIELDS);
    expect(r.conflicts).toEqual([]);
    expect(r.taken).toEqual(['forwardTo']);
    expect(r.draft).toMatchObject({
      name: 'Orders (mine)',
      forwardTo: 'http://localhost:4000/new',
      rev: 2,
    });
  });

  it('lists each overlapping field with yours and theirs, and settles them per field', () => {
    const base = endpoint({});
    const theirs = endpoint({ rev: 3, name: 'Theirs', forwardTo: 'http://t/' });
    const mine = { ...toDraft(base), name: 'Mine', forwardTo: 'http://m/', responseStatus: '202' };
    const r = rebaseDraft(toDraft(base), mine, toDraft(theirs), ENDPOINT_FIELDS);
    expect(r.conflicts).toEqual([
      { field: 'name', mine: 'Mine', theirs: 'Theirs' },
      { field: 'forwardTo', mine: 'http://m/', theirs: 'http://t/' },
    ]);
    // Until settled, the draft keeps what the user typed.
    expect(r.draft).toMatchObject({ name: 'Mine', forwardTo: 'http://m/', responseStatus: '202' });
    expect(resolve(r, { name: 'theirs' })).toMatchObject({
      name: 'Theirs',
      forwardTo: 'http://m/',
      responseStatus: '202',
      rev: 3,
    });
  });

  it('is no conflict when both made the same change', () => {
    const base = endpoint({});
    const theirs = endpoint({ rev: 2, name: 'Same' });
    const mine = { ...toDraft(base), name: 'Same' };
    expect(rebaseDraft(toDraft(base), mine, toDraft(theirs), ENDPOINT_FIELDS).conflicts).toEqual(
      [],
    );
  });

  it('works on the settings form the same way', () => {
    const base = settingsDraft(DEFAULT_SETTINGS);
    const theirs = settingsDraft({
      ...DEFAULT_SETTINGS,
      forwarding: { ...DEFAULT_SETTINGS.forwarding, maxAttempts: 9 },
    });
    const r = rebaseDraft(base, { ...base, maxEvents: '6000' }, theirs, SETTINGS_FIELDS);
    expect(r.conflicts).toEqual([]);
    expect(r.draft).toMatchObject({ maxEvents: '6000', maxAttempts: '9' });
  });
});
