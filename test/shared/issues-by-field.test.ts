/**
 * issuesByField: a refusal's issues grouped by the form field they are about, in the form's
 * words — shared by the endpoint form and the tunnel options form (which names a list's entry
 * as typed).
 */
import { expect, it } from 'vitest';
import { issuesByField } from '../../src/shared/input-errors';

it('groups by field, names nested parts, and joins several issues of one field', () => {
  expect(
    issuesByField([
      { path: ['secrets', 1], message: 'must not be empty' },
      { path: ['secrets', 2], message: 'is too long' },
      { path: [], message: 'nothing to save' },
    ]),
  ).toEqual({
    secrets: '#2: must not be empty; #3: is too long',
    '': 'nothing to save',
  });
});

it("names a list's entry as typed when the form knows it", () => {
  const typed: Record<string, string[]> = { allowCidrs: ['10.0.0.0/8', 'banana'] };
  expect(
    issuesByField(
      [{ path: ['allowCidrs', 1], message: 'must be a CIDR range' }],
      (field, k) => typed[field]?.[k],
    ),
  ).toEqual({ allowCidrs: '#2 (banana): must be a CIDR range' });
});
