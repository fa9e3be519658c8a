import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardUrl, type ForwardUrlInput } from '../../src/shared/forward-url';

const at = (path: string, over: Partial<ForwardUrlInput> = {}) =>
  forwardUrl({
    target: 'http://localhost:3000/webhooks',
    endpointPath: '/stripe',
    path,
    query: '',
    ...over,
  });

const url = (path: string, over: Partial<ForwardUrlInput> = {}): string => {
  const r = at(path, over);
  if (!r.ok) throw new Error(r.refused);
  return r.url;
};

const refused = (path: string, over: Partial<ForwardUrlInput> = {}): string => {
  const r = at(path, over);
  if (r.ok) throw new Error(`not refused: ${path} → ${r.url}`);
  return r.refused;
};

/**
 * An independent reading of where a URL leads, as the most lenient server would: every layer
 * of percent-encoding undone, backslashes and fullwidth forms taken as slashes and dots, `;`
 * parameters dropped, dot segments resolved. What is left must still be under /webhooks.
 */
function leniently(u: string): string[] {
  let path = new URL(u).pathname;
  for (let i = 0; i < 6; i++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      path = unescape(path);
    }
  }
  const out: string[] = [];
  for (const raw of path.normalize('NFKC').replace(/\\/g, '/').split('/')) {
    const seg = raw.split(';')[0]!.trim();
    if (/^\.+$/.test(seg)) out.splice(Math.max(0, out.length - (seg.length - 1)));
    else out.push(seg);
  }
  return out.filter((s) => s !== '');
}

describe('forwardUrl: the one rule for forwards, redrives and replays', () => {
  it('appends the path after the endpoint prefix and the query under the target', () => {
    expect(url('/stripe/events/1', { query: 'a=1' })).toBe(
      'http://localhost:3000/webhooks/events/1?a=1',
    );
    expect(url('/stripe')).toBe('http://localhost:3000/webhooks');
    expect(url('/stripe/')).toBe('http://localhost:3000/webhooks');
    expect(url('/stripe/events/', { target: 'http://localhost:3000/webhooks/' })).toBe(
      'http://localhost:3000/webhooks/events/',
    );
    expect(url('/x', { target: 'http://localhost:3000/', endpointPath: '/' })).toBe(
      'http://localhost:3000/x',
    );
    expect(url('/stripe/e', { target: 'http://localhost:3000/h?k=v', query: 'a=1' })).toBe(
      'http://localhost:3000/h/e?k=v&a=1',
    );
    // Encoded text that is not a dot, slash or control byte passes as it came.
    expect(url('/stripe/caf%C3%A9/100%25/a%20b/.well-known/v1.2')).toBe(
      'http://localhost:3000/webhooks/caf%C3%A9/100%25/a%20b/.well-known/v1.2',
    );
  });

  it('refuses the reported escape with the words the attempt shows', () => {
    expect(refused('/stripe/../../admin/delete-all')).toBe(
      'refused: the received path /stripe/../../admin/delete-all would leave the forward target\'s path /webhooks (dot segment "..")',
    );
  });

  it('refuses a dot segment, a backslash, an encoded slash or a control byte in any spelling', () => {
    const cases: [string, RegExp][] = [
      ['/stripe/./x', /dot segment "\."/],
      ['/stripe/%2e%2e/admin', /dot segment "%2e%2e"/],
      ['/stripe/%2E%2E/admin', /dot segment "%2E%2E"/],
      ['/stripe/%2E./admin', /dot segment "%2E\."/],
      ['/stripe/.%2e/admin', /dot segment "\.%2e"/],
      ['/stripe/%2e/admin', /dot segment "%2e"/],
      ['/stripe/%252e%252e/admin', /dot segment "%252e%252e"/],
      ['/stripe/%25252e%25252e/admin', /dot segment/],
      ['/stripe/..;/admin', /dot segment "\.\.;"/],
      ['/stripe/..%3bx/admin', /dot segment/],
      ['/stripe/.../admin', /dot segment/],
      ['/stripe/.. /admin', /dot segment/],
      ['/stripe/%EF%BC%8E%EF%BC%8E/admin', /dot segment/],
      ['/stripe/．．/admin', /dot segment/],
      ['/stripe/..\\..\\admin', /backslash/],
      ['/stripe/%5c..%5cadmin', /backslash/],
      ['/stripe/%5C', /backslash/],
      ['/stripe/＼admin', /backslash/],
      ['/stripe/a%2f..%2fadmin', /encoded slash "a%2f\.\.%2fadmin"/],
      ['/stripe/%2F', /encoded slash/],
      ['/stripe/%252f', /encoded slash/],
      ['/stripe/a／b', /slash in another spelling/],
      ['/stripe/a%00b', /control character/],
      ['/stripe/a%0d%0aX-Injected:1', /control character/],
      ['/stripe/a\u0000b', /control character "a\\x00b"/],
      ['/stripe/a%7f', /control character/],
      ['/stripe/%c0%ae%c0%ae/admin', /invalid or overlong UTF-8/],
      ['/stripe/%c0%af', /invalid or overlong UTF-8/],
      ['/stripe/%e0%80%ae', /invalid or overlong UTF-8/],
      ['/stripe/%2525252e', /percent-encoded more than 3 times/],
      ['/stripe//evil.example/x', /empty segment "\/\/"/],
      ['/stripe/%u002e%u002e/admin', /non-standard %u encoding "%u002e%u002e"/],
      ['/stripe/a%u2215b', /non-standard %u encoding/],
      ['/stripe/%25u002e%25u002e', /non-standard %u encoding/],
    ];
    for (const [path, why] of cases) expect(refused(path), path).toMatch(why);
    // With the default endpoint the whole path is the suffix: the same rules hold.
    expect(refused('//evil.example/x', { endpointPath: '/' })).toMatch(/empty segment/);
    expect(refused('*', { endpointPath: '/' })).toMatch(/no leading \//);
  });

  it('refuses a path that is not under the endpoint, and a target that is not http(s)', () => {
    expect(refused('/other/x')).toBe(
      "refused: the received path /other/x is not under the endpoint's path /stripe, so there is no part of it to add to the forward target",
    );
    expect(refused('/stripes', { pathLabel: 'edited path', targetLabel: 'replay target' })).toMatch(
      /^refused: the edited path \/stripes is not under the endpoint's path \/stripe, so there is no part of it to add to the replay target$/,
    );
    expect(refused('/stripe/x', { target: 'file:///etc/passwd' })).toBe(
      'the forward target must be an http or https URL',
    );
    expect(refused('/stripe/x', { target: 'not a url' })).toBe(
      'the forward target "not a url" is not a URL',
    );
  });

  it('shows a hostile path in a refusal with control characters escaped and cut at 200', () => {
    const msg = refused(`/stripe/${'a'.repeat(300)}/\u001b[31m..`);
    expect(msg).not.toContain('\u001b');
    expect(msg).toContain('\\x1b[31m');
    expect(msg).toContain('…');
    expect(msg.length).toBeLessThan(600);
  });

  it('never yields a URL outside the target, however the path is spelled (property)', () => {
    const piece = fc.constantFrom(
      '.',
      '..',
      '%2e',
      '%2E',
      '%25',
      '%252e',
      '%2f',
      '%5c',
      '\\',
      ';',
      '%3b',
      '%00',
      '%c0%ae',
      '．',
      '／',
      ' ',
      '#',
      '?',
      '@',
      ':',
      'a',
      'evil.example',
      '%',
      '~',
    );
    const segment = fc.array(piece, { maxLength: 5 }).map((p) => p.join(''));
    const path = fc.array(segment, { maxLength: 6 }).map((s) => `/stripe/${s.join('/')}`);
    const target = fc.constantFrom(
      'http://localhost:3000/webhooks',
      'http://localhost:3000/webhooks/',
      'https://127.0.0.1:8443/a/b?k=v',
    );
    fc.assert(
      fc.property(path, target, fc.constantFrom('', 'x=1', 'a=%2e%2e/../'), (p, t, q) => {
        const r = at(p, { target: t, query: q });
        if (!r.ok) return;
        const out = new URL(r.url);
        const base = new URL(t);
        expect(out.origin).toBe(base.origin);
        const prefix = base.pathname.split('/').filter((s) => s !== '');
        expect(leniently(r.url).slice(0, prefix.length)).toEqual(prefix);
        expect(leniently(r.url).length).toBeGreaterThanOrEqual(prefix.length);
      }),
      { numRuns: 2000 },
    );
  });
});
