import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../src/renderer/src/format/base64';
import { bodyKind, formFields } from '../../src/renderer/src/format/body-kind';
import { toCurl, type CurlRequest } from '../../src/renderer/src/format/curl';
import { fullUrl } from '../../src/renderer/src/format/full-url';
import { hexDump } from '../../src/renderer/src/format/hex-dump';
import { parseJson } from '../../src/renderer/src/format/json-parse';
import { prettyJson } from '../../src/renderer/src/format/json-pretty';
import { rawRequest } from '../../src/renderer/src/format/raw-request';
import { prettyXml } from '../../src/renderer/src/format/xml-pretty';

/**
 * The renderer's parsers and formatters against hostile payloads: whatever a delivery holds,
 * they return (no throw, no stack overflow, linear time) and lose no character.
 */

/** Bad inputs tried by this file (fast-check runs), for RELIABILITY.md. */
const RUNS = {
  jsonValidity: 500,
  jsonPretty: 300,
  xml: 400,
  bodyKind: 300,
  raw: 200,
  hex: 200,
  curl: 150,
};

const DEPTH = 100_000;
/**
 * A bound that tells "finished" from "hung" (the quadratic versions take minutes); not a
 * performance figure, which `npm run bench` measures.
 */
const HANG_MS = 10_000;

/** Strings that break naive parsers: unbalanced brackets, quotes, escapes, unicode. */
const jsonish = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({
    unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ':', ',', '1', 'e', '-', ' ', 'u', 'n'),
    maxLength: 40,
  }),
  // Valid JSON with one character removed, doubled or replaced.
  fc
    .tuple(
      fc.json({ maxDepth: 4 }),
      fc.nat(),
      fc.constantFrom('', '"', '\\', '{', ']', ',', '\u0001'),
    )
    .map(([j, at, c]) => {
      const k = at % (j.length + 1);
      return j.slice(0, k) + c + j.slice(k + 1);
    }),
);

describe('parseJson (the lazy JSON tree)', () => {
  it('accepts exactly what JSON.parse accepts, never throwing', () => {
    fc.assert(
      fc.property(jsonish, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const r = parseJson(text);
        expect(r.ok, JSON.stringify(text)).toBe(valid);
        if (!r.ok) {
          expect(r.offset).toBeGreaterThanOrEqual(0);
          expect(r.offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: RUNS.jsonValidity },
    );
  });

  it('parses 100,000-deep arrays and objects without blowing the stack', () => {
    for (const text of [
      '['.repeat(DEPTH) + ']'.repeat(DEPTH),
      '{"a":'.repeat(DEPTH) + 'null' + '}'.repeat(DEPTH),
    ]) {
      const t0 = performance.now();
      const r = parseJson(text);
      expect(r.ok).toBe(true);
      expect(performance.now() - t0).toBeLessThan(HANG_MS);
    }
    // Unbalanced: a clear error, not a crash.
    expect(parseJson('['.repeat(DEPTH))).toMatchObject({ ok: false, offset: DEPTH });
  });

  it('keeps huge numbers and duplicate keys exactly as sent', () => {
    const big = '9'.repeat(400);
    const r = parseJson(`{"n":${big},"n":1e400,"n":-0.0000000000000000000001}`);
    expect(r.ok && r.value).toEqual({
      t: 'object',
      entries: [
        ['n', { t: 'number', raw: big }],
        ['n', { t: 'number', raw: '1e400' }],
        ['n', { t: 'number', raw: '-0.0000000000000000000001' }],
      ],
    });
  });
});

describe('prettyJson', () => {
  it('never throws on any text, and re-indents valid JSON without changing its value', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.json()), (text) => {
        const out = prettyJson(text);
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return;
        }
        expect(JSON.parse(out)).toEqual(value);
      }),
      { numRuns: RUNS.jsonPretty },
    );
  });

  it('stays linear on 100,000-deep input', () => {
    const t0 = performance.now();
    const out = prettyJson('['.repeat(DEPTH) + ']'.repeat(DEPTH));
    expect(out.length).toBeLessThan(DEPTH * 2 * 140);
    expect(performance.now() - t0).toBeLessThan(HANG_MS);
  });
});

describe('prettyXml', () => {
  const xmlish = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({
      unit: fc.constantFrom('<', '>', '/', '!', '-', '?', '[', ']', 'CDATA', 'a', ' ', '\n', '"'),
      maxLength: 60,
    }),
  );

  it('changes nothing but whitespace, for any text', () => {
    fc.assert(
      fc.property(xmlish, (text) => {
        const out = prettyXml(text);
        // Regression: a `<` without a `>` after it was dropped ("x < y" became "x\ny").
        expect(out.replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
      { numRuns: RUNS.xml },
    );
    expect(prettyXml('x < y')).toBe('x\n< y');
  });

  it('stays linear on 300 KB of unterminated tags, comments and CDATA', () => {
    // Regression: the tokenizer regex rescanned to the end from every `<` (quadratic: 2.7 s
    // for 40 KB, ~17 s for 100 KB, minutes for this, half an hour for the 1 MB the view shows).
    for (const unit of ['<', '<!--', '<![CDATA[', '<a', '<!--a>']) {
      const text = unit.repeat(Math.ceil(300_000 / unit.length));
      const t0 = performance.now();
      const out = prettyXml(text);
      expect(performance.now() - t0, unit).toBeLessThan(HANG_MS);
      expect(out.replace(/\s/g, '')).toBe(text);
    }
  });
});

describe('bodyKind, formFields, rawRequest, fullUrl', () => {
  it('pick a view and read form fields for any content type and text', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 40 }), { nil: null }),
        fc.option(fc.oneof(jsonish, fc.string({ unit: 'binary', maxLength: 60 })), {
          nil: undefined,
        }),
        fc.nat(),
        (type, text, size) => {
          expect(['empty', 'json', 'form', 'xml', 'text', 'binary']).toContain(
            bodyKind(type, text, size),
          );
          if (text !== undefined) {
            for (const [k, v] of formFields(text)) {
              expect(typeof k).toBe('string');
              expect(typeof v).toBe('string');
            }
          }
        },
      ),
      { numRuns: RUNS.bodyKind },
    );
  });

  it('show the request line and every header in order, whatever they hold', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 20 }),
        fc.array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 })), {
          maxLength: 6,
        }),
        fc.option(fc.string({ maxLength: 50 }), { nil: undefined }),
        fc.nat(10_000),
        fc.option(fc.string({ maxLength: 40 }), { nil: null }),
        (method, path, query, headers, text, size, publicUrl) => {
          const raw = rawRequest({ method, path, query, headers, body: { size, text } });
          const target = query ? `${path}?${query}` : path;
          expect(raw.startsWith(`${method} ${target} HTTP/1.1`)).toBe(true);
          let at = 0;
          for (const [n, v] of headers) {
            at = raw.indexOf(`\n${n}: ${v}`, at);
            expect(at).toBeGreaterThanOrEqual(0);
          }
          if (text !== undefined) expect(raw.endsWith(`\n\n${text}`)).toBe(true);
          const url = fullUrl({ publicUrl, path, query }, 'http://127.0.0.1:7700');
          expect(url).toBe(publicUrl ?? `http://127.0.0.1:7700${target}`);
        },
      ),
      { numRuns: RUNS.raw },
    );
  });
});

describe('hexDump and base64', () => {
  it('dumps any byte range so the bytes can be read back exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(320), fc.nat(320), (bytes, a, b) => {
        const [start, end] = [Math.min(a, b) & ~15, Math.max(a, b)];
        const dump = hexDump(bytes, start, end);
        const shown = bytes.subarray(start, Math.min(end, bytes.length));
        const lines = dump ? dump.split('\n') : [];
        expect(lines).toHaveLength(Math.ceil(shown.length / 16));
        const back = lines.flatMap((l, i) => {
          expect(l).toMatch(/^[0-9a-f]{8} {2}[0-9a-f ]{49} \|[\x20-\x7e]{0,16}\|$/);
          expect(parseInt(l.slice(0, 8), 16)).toBe(start + i * 16);
          return (l.slice(10, 59).match(/[0-9a-f]{2}/g) ?? []).map((h) => parseInt(h, 16));
        });
        expect(back).toEqual([...shown]);
        expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
      }),
      { numRuns: RUNS.hex },
    );
  });
});

/** node:child_process, typed locally: this project is type-checked without Node's types. */
interface ChildProcessModule {
  spawnSync(
    cmd: string,
    args: string[],
    opts: { input?: string; maxBuffer?: number },
  ): { status: number | null; stdout: Uint8Array; stderr: Uint8Array };
}
const childProcess = (await import(
  /* @vite-ignore */ 'node:child_process' as string
)) as ChildProcessModule;

/**
 * Runs a generated command in bash with `curl` replaced by a function that prints a marker,
 * its argument count and each argument NUL-terminated, then its stdin when told to read `@-`.
 * Returns everything after the first call's arguments as `rest`: a second command or stray
 * output would show up there.
 */
function runInBash(command: string): { marker: string; args: string[]; rest: Uint8Array } {
  const shim =
    'curl() { printf "CURL\\0%s\\0" "$#"; printf "%s\\0" "$@"; ' +
    'if [ "${!#}" = "@-" ]; then cat; fi; }\n';
  // The command goes in on stdin: no shell sees it but the one under test.
  const r = childProcess.spawnSync('bash', ['-s'], {
    input: `${shim}${command}\n`,
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.status, new TextDecoder().decode(r.stderr)).toBe(0);
  const out = r.stdout;
  let at = 0;
  const next = (): string => {
    const end = out.indexOf(0, at);
    const s = new TextDecoder().decode(out.subarray(at, end === -1 ? out.length : end));
    at = end === -1 ? out.length : end + 1;
    return s;
  };
  const marker = next();
  const count = Number(next());
  const args: string[] = [];
  for (let i = 0; i < count; i++) args.push(next());
  return { marker, args, rest: out.subarray(at) };
}

describe('Copy as cURL', () => {
  const noNul = (s: string): string => s.replace(/\0/g, '');
  const anyText = fc
    .oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({
        unit: fc.constantFrom(
          "'",
          '"',
          '$',
          '`',
          '\\',
          '!',
          '\n',
          '\r',
          '\t',
          ';',
          '&',
          '|',
          '(',
          'é',
          '🙂',
          '\x7f',
          '\x1b',
          ' ',
          '-',
          '%',
        ),
        maxLength: 30,
      }),
    )
    // Lone surrogates cannot reach a terminal (or a delivery): UTF-8 has no bytes for them.
    .filter((s) => !/\p{Cs}/u.test(s))
    .map(noNul);
  const request: fc.Arbitrary<CurlRequest> = fc
    .record({
      method: fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD', 'put'), anyText.filter(Boolean)),
      url: fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), anyText),
      headers: fc.array(fc.tuple(anyText.filter(Boolean), anyText), { maxLength: 5 }),
      body: fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        anyText.map((t) => new TextEncoder().encode(t)),
        fc.constant(new Uint8Array([0x7b, 0, 0x7d])),
      ),
    })
    .map((r) => {
      let bodyText: string | undefined;
      try {
        bodyText = new TextDecoder('utf-8', { fatal: true }).decode(r.body);
      } catch {
        bodyText = undefined;
      }
      return { ...r, bodyText };
    });

  it('is one shell command that hands curl the exact URL, method, headers and body bytes', () => {
    fc.assert(
      fc.property(request, (req) => {
        const { marker, args, rest } = runInBash(toCurl(req));
        expect(marker).toBe('CURL');
        const method = req.method.toUpperCase();
        const hasBody = req.body.length > 0;
        const expected = ['--globoff', '--path-as-is'];
        if (method === 'HEAD') expected.push('--head');
        else if (method !== 'GET' || hasBody) expected.push('-X', method);
        // A URL that looks like an option must still be read as the URL.
        if (req.url.startsWith('-')) expected.push('--url');
        expected.push(req.url);
        const skip = /^(host|content-length|connection|transfer-encoding|keep-alive)$/i;
        for (const [n, v] of req.headers) {
          if (!skip.test(n)) expected.push('-H', v === '' ? `${n};` : `${n}: ${v}`);
        }
        const present = new Set(req.headers.map(([n]) => n.toLowerCase()));
        for (const n of ['User-Agent', 'Accept', ...(hasBody ? ['Content-Type', 'Expect'] : [])]) {
          if (!present.has(n.toLowerCase())) expected.push('-H', `${n}:`);
        }
        const textual = req.bodyText !== undefined && !req.bodyText.includes('\0');
        if (hasBody)
          expected.push(...(textual ? ['--data-raw', req.bodyText!] : ['--data-binary', '@-']));
        expect(args).toEqual(expected);
        // Nothing after the one curl call but the piped body: no second command ran.
        expect([...rest]).toEqual(hasBody && !textual ? [...req.body] : []);
      }),
      { numRuns: RUNS.curl },
    );
  });
});

/**
 * Every renderer parser and formatter on 1 MB of one unit repeated, the shape that makes a
 * backtracking regex or a rescanning loop quadratic. HANG_MS only tells finished from hung.
 */
describe('pathological 1 MB payloads, through every parser and formatter', () => {
  const MB = 1024 * 1024;
  const UNITS = [
    '[',
    '{"a":',
    '"\\',
    '\\u00',
    '[ \n',
    '1e',
    '<',
    '<!--',
    '<![CDATA[',
    '</a>',
    '&a=%',
    "'!",
    '\x00\x1f',
    '🚀é',
  ];

  /** Runs one parser; each gets the whole bound to itself. */
  const finishes = (what: string, run: () => unknown): void => {
    const t0 = performance.now();
    run();
    expect(performance.now() - t0, what).toBeLessThan(HANG_MS);
  };

  for (const unit of UNITS) {
    it(`${JSON.stringify(unit)} through parseJson, prettyJson, prettyXml, bodyKind, formFields, rawRequest, hexDump, fullUrl, cURL`, () => {
      const text = unit.repeat(Math.ceil(MB / unit.length));
      const bytes = new TextEncoder().encode(text);
      const at = (name: string): string => `${name} ${JSON.stringify(unit)}`;
      finishes(at('parseJson'), () => parseJson(text));
      finishes(at('prettyJson'), () => prettyJson(text));
      finishes(at('prettyXml'), () => prettyXml(text));
      finishes(at('bodyKind'), () =>
        ['application/json', 'text/xml', 'text/plain', ''].map((t) => bodyKind(t, text, MB)),
      );
      finishes(at('formFields'), () => formFields(text));
      finishes(at('rawRequest'), () =>
        rawRequest({
          method: 'POST',
          path: `/${text}`,
          query: text,
          headers: [[text.slice(0, 100), text]],
          body: { size: bytes.length, text },
        }),
      );
      finishes(at('hexDump'), () => hexDump(bytes, 0, 64 * 1024));
      finishes(at('fullUrl'), () =>
        fullUrl({ publicUrl: null, path: `/${text}`, query: text }, 'http://h'),
      );
      const curl: CurlRequest = {
        url: `https://h.example/${text.replaceAll('\0', '')}`,
        method: 'POST',
        headers: [['X-A', text.replaceAll('\0', '')]],
        body: bytes,
        bodyText: text,
      };
      finishes(at('toCurl'), () => toCurl(curl));
    });
  }
});
