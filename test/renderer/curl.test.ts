import { describe, expect, it } from 'vitest';
import { shellQuote, toCurl } from '../../src/renderer/src/format/curl';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('shellQuote', () => {
  it('uses plain single quotes when that is exact, ANSI-C quoting otherwise', () => {
    expect(shellQuote('a b $x `y` "z"')).toBe(`'a b $x \`y\` "z"'`);
    expect(shellQuote("it's")).toBe("$'it\\'s'");
    expect(shellQuote('a\nb\r\tc\\d\x01!')).toBe("$'a\\nb\\r\\tc\\\\d\\x01\\x21'");
    expect(shellQuote('ünï ✓')).toBe(`'ünï ✓'`);
    expect(() => shellQuote('a\0b')).toThrow();
  });
});

describe('toCurl', () => {
  it('sends method, URL, headers in order and the exact text body', () => {
    const body = '{"a":"x\'y"}\n';
    const cmd = toCurl({
      url: 'http://127.0.0.1:7700/hooks?x=[1]',
      method: 'POST',
      headers: [
        ['Host', '127.0.0.1:7700'],
        ['Content-Type', 'application/json'],
        ['X-Sig', 't=1,v1=abc'],
        ['Content-Length', '13'],
        ['X-Empty', ''],
      ],
      body: text(body),
      bodyText: body,
    });
    expect(cmd.split(' \\\n  ')).toEqual([
      'curl --globoff --path-as-is',
      "-X 'POST'",
      "'http://127.0.0.1:7700/hooks?x=[1]'",
      "-H 'Content-Type: application/json'",
      "-H 'X-Sig: t=1,v1=abc'",
      "-H 'X-Empty;'",
      "-H 'User-Agent:'",
      "-H 'Accept:'",
      "-H 'Expect:'",
      `--data-raw $'{"a":"x\\'y"}\\n'`,
    ]);
  });

  it('pipes binary bodies in from base64', () => {
    const cmd = toCurl({
      url: 'http://h/b',
      method: 'PUT',
      headers: [['Content-Type', 'application/octet-stream']],
      body: new Uint8Array([0, 1, 255]),
    });
    expect(cmd.startsWith("printf '%s' 'AAH/' | base64 -d | curl")).toBe(true);
    expect(cmd.endsWith('--data-binary @-')).toBe(true);
  });

  it('adds no body options for a GET', () => {
    expect(toCurl({ url: 'http://h/', method: 'GET', headers: [], body: new Uint8Array() })).toBe(
      "curl --globoff --path-as-is \\\n  'http://h/' \\\n  -H 'User-Agent:' \\\n  -H 'Accept:'",
    );
  });
});
