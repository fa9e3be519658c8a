import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/shared/model';
import { endpoint } from '../helpers/model';
import {
  applyEndpointChange,
  fromDraft,
  toDraft,
} from '../../src/renderer/src/model/endpoint-draft';
import { followEndpoint, initialForm } from '../../src/renderer/src/model/checkup-form';
import { redriveSummary } from '../../src/renderer/src/model/redrive';

const ep = (over: Partial<Endpoint> = {}): Endpoint =>
  endpoint({
    id: 'e1',
    name: 'Shop',
    path: '/shop',
    provider: 'stripe',
    secretCount: 1,
    forwardTo: 'http://localhost:3000/a',
    ...over,
  });

describe('live endpoints in the UI (issue 14.2)', () => {
  it('applies endpoints.changed pushes: replace, add in path order, delete, ignore older', () => {
    const a = ep();
    const list = applyEndpointChange([a], { id: 'e1', endpoint: ep({ rev: 2, name: 'New' }) });
    expect(list.map((e) => [e.name, e.rev])).toEqual([['New', 2]]);
    expect(applyEndpointChange(list, { id: 'e1', endpoint: a })).toBe(list);
    const added = applyEndpointChange(list, { id: 'e0', endpoint: ep({ id: 'e0', path: '/' }) });
    expect(added.map((e) => e.id)).toEqual(['e0', 'e1']);
    expect(applyEndpointChange(added, { id: 'e1', endpoint: null }).map((e) => e.id)).toEqual([
      'e0',
    ]);
  });

  it('the endpoint form saves against the rev it was filled from, with its JSON Schema', () => {
    const d = toDraft(ep({ rev: 7, jsonSchema: { type: 'object' } }));
    expect(d.jsonSchema).toBe('{\n  "type": "object"\n}');
    const { input } = fromDraft(d);
    expect(input).toMatchObject({ id: 'e1', rev: 7, jsonSchema: { type: 'object' } });
    expect(fromDraft({ ...d, jsonSchema: '' }).input).toMatchObject({ jsonSchema: null });
    expect(fromDraft({ ...d, jsonSchema: '{"type":' }).errors.jsonSchema).toMatch(
      /^not valid JSON: /,
    );
  });

  it('the check-up form follows a changed forward target unless the user typed another', () => {
    const before = ep();
    const now = ep({ rev: 2, forwardTo: 'http://localhost:4000/b' });
    const untouched = initialForm(before);
    expect(followEndpoint(untouched, before, now).target).toBe('http://localhost:4000/b');
    const typed = { ...untouched, target: 'http://elsewhere/x' };
    expect(followEndpoint(typed, before, now).target).toBe('http://elsewhere/x');
  });

  const plain = { resigned: false, warning: null };

  it('a redrive names a group once before a warning about one delivery', () => {
    const warning = 'sent as it arrived, not signed again: its signature was not verified';
    const item = (id: number) => ({
      id,
      eventId: `e${id}`,
      targetUrl: 'http://h/a',
      refused: null,
      resigned: false,
      warning,
    });
    expect(redriveSummary({ redriven: 3, items: [item(1), item(2), item(3)] })).toBe(
      `Queued 3 forwards again: 3 to http://h/a. Each is ${warning}.`,
    );
    const mixed = redriveSummary({
      redriven: 3,
      items: [item(1), item(2), { ...item(3), warning: null }],
    });
    expect(mixed).toContain(`Each of 2 is ${warning}.`);
  });

  it('a redrive says which are re-signed and which go with a signature that may be stale', () => {
    const warning =
      'sent with its original signature, which may be stale: Stripe accepts a signature for 300 s after it was made (the tolerance); it cannot be re-signed: endpoint "Stripe" has no secret';
    expect(
      redriveSummary({
        redriven: 2,
        items: [
          {
            id: 1,
            eventId: 'a',
            targetUrl: 'http://h/a',
            refused: null,
            resigned: true,
            warning: null,
          },
          { id: 2, eventId: 'b', targetUrl: 'http://h/a', refused: null, resigned: false, warning },
        ],
      }),
    ).toBe(
      `Queued 2 forwards again: 2 to http://h/a. 1 forward is signed again with the endpoint's secret at each attempt. 1 forward is ${warning}.`,
    );
  });

  it('a redrive says where each forward went and which were refused again', () => {
    expect(
      redriveSummary({
        redriven: 1,
        items: [
          {
            id: 1,
            eventId: 'a',
            targetUrl: 'http://localhost:3000/hooks/x',
            refused: null,
            ...plain,
          },
        ],
      }),
    ).toBe('Queued 1 forward again: to http://localhost:3000/hooks/x.');
    expect(
      redriveSummary({
        redriven: 2,
        items: [
          { id: 1, eventId: 'a', targetUrl: 'http://h/a', refused: null, ...plain },
          { id: 2, eventId: 'b', targetUrl: 'http://h/a', refused: null, ...plain },
          { id: 3, eventId: 'c', targetUrl: 'http://h/a', refused: 'dot segment ".."', ...plain },
        ],
      }),
    ).toBe('Queued 2 forwards again: 2 to http://h/a. 1 forward refused again: dot segment "..".');
  });
});
