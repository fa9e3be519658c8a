import { describe, expect, it } from 'vitest';
import { bytesToBase64, base64ToBytes } from '../../src/renderer/src/format/base64';
import { readFormFields } from '../../src/shared/form';
import { bodyKind, formFields } from '../../src/renderer/src/format/body-kind';
import { formatBytes, relativeTime } from '../../src/renderer/src/format/format';
import { hexDump } from '../../src/renderer/src/format/hex-dump';
import { rawRequest } from '../../src/renderer/src/format/raw-request';
import { prettyXml } from '../../src/renderer/src/format/xml-pretty';
import { sentToUrl } from '../../src/renderer/src/format/full-url';

describe('bodyKind', () => {
  it('picks the view from type and content', () => {
    expect(bodyKind('application/json; charset=utf-8', '{}', 2)).toBe('json');
    expect(bodyKind('application/vnd.api+json', '{}', 2)).toBe('json');
    expect(bodyKind(null, '  [1]', 5)).toBe('json');
    expect(bodyKind('application/x-www-form-urlencoded', 'a=1', 3)).toBe('form');
    expect(bodyKind('text/xml', '<a/>', 4)).toBe('xml');
    expect(bodyKind(null, '<?xml version="1.0"?><a/>', 25)).toBe('xml');
    expect(bodyKind('text/html', '<script>x</script>', 18)).toBe('text');
    expect(bodyKind('application/json', undefined, 3)).toBe('binary');
    expect(bodyKind('application/json', '', 0)).toBe('empty');
  });

  it('reads form fields in order with duplicates, + as space', () => {
    expect(formFields('a=1&b=x+y&a=%3Cb%3E')).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['a', '<b>'],
    ]);
  });

  it('reads the first 1,000 form fields and tells that there are more', () => {
    expect(formFields('a=&'.repeat(2_000_000))).toHaveLength(1000);
    expect(readFormFields('&a='.repeat(2_000_000)).more).toBe(true);
    const exactly = Array.from({ length: 1000 }, (_, i) => `f${i}=${i}`).join('&');
    expect(readFormFields(exactly)).toMatchObject({ more: false });
    expect(readFormFields(`${exactly}&`)).toMatchObject({ more: false });
    expect(readFormFields(`${exactly}&x=1`).fields.at(-1)).toEqual(['f999', '999']);
  });
});

describe('formatting', () => {
  it('formats sizes and ages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MB');
    const t = Date.parse('2026-01-01T00:00:00Z');
    expect(relativeTime('2026-01-01T00:00:00Z', t + 2000)).toBe('just now');
    expect(relativeTime('2026-01-01T00:00:00Z', t + 42_000)).toBe('42s ago');
    expect(relativeTime('2026-01-01T00:00:00Z', t + 5 * 60_000)).toBe('5m ago');
    expect(relativeTime('2026-01-01T00:00:00Z', t + 3 * 3600_000)).toBe('3h ago');
  });

  it('dumps bytes as hex with printable ASCII', () => {
    const bytes = new Uint8Array([0x48, 0x69, 0x00, 0xff, ...new Array(14).fill(0x41)]);
    expect(hexDump(bytes).split('\n')).toEqual([
      '00000000  48 69 00 ff 41 41 41 41  41 41 41 41 41 41 41 41  |Hi..AAAAAAAAAAAA|',
      '00000010  41 41                                             |AA|',
    ]);
  });

  it('round-trips base64', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
  });

  it('indents XML as text', () => {
    expect(prettyXml('<?xml version="1.0"?><a><b>x &lt; y</b><c/><!-- <d> --></a>')).toBe(
      '<?xml version="1.0"?>\n<a>\n  <b>x &lt; y</b>\n  <c/>\n  <!-- <d> -->\n</a>',
    );
  });

  it('shows the request as it arrived', () => {
    const raw = rawRequest({
      method: 'POST',
      path: '/hooks',
      query: 'a=1',
      headers: [
        ['Host', 'x'],
        ['X-A', '1'],
      ],
      body: { size: 2, text: '{}' },
    });
    expect(raw).toBe('POST /hooks?a=1 HTTP/1.1\nHost: x\nX-A: 1\n\n{}');
  });
});

describe('sentToUrl (the Overview URL)', () => {
  const base = { publicUrl: null, path: '/stripe', query: 'a=1' };
  it('names the Host the sender used (another instance, a proxy), not the viewing receiver', () => {
    const headers: [string, string][] = [['Host', '127.0.0.1:7710']];
    expect(sentToUrl({ ...base, headers }, 'http://127.0.0.1:7720')).toBe(
      'http://127.0.0.1:7710/stripe?a=1',
    );
    const proxied: [string, string][] = [
      ['host', 'hooks.example.com'],
      ['X-Forwarded-Proto', 'https'],
    ];
    expect(sentToUrl({ ...base, headers: proxied }, 'http://127.0.0.1:7700')).toBe(
      'https://hooks.example.com/stripe?a=1',
    );
  });
  it('keeps the public URL, and falls back to the receiver without a usable Host', () => {
    expect(
      sentToUrl(
        { ...base, publicUrl: 'https://x.ngrok.app/stripe', headers: [['Host', 'y']] },
        'http://127.0.0.1:7700',
      ),
    ).toBe('https://x.ngrok.app/stripe');
    for (const headers of [[], [['Host', 'evil.example/@x']]] as [string, string][][]) {
      expect(sentToUrl({ ...base, headers }, 'http://127.0.0.1:7700')).toBe(
        'http://127.0.0.1:7700/stripe?a=1',
      );
    }
  });
});
