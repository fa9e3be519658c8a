import { wholeDetail } from '../../src/shared/event-body';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http';
import { startEngine, type TestEngine } from '../helpers/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startEngine();
});
afterAll(() => t.stop());

/** Sends a request and returns the stored event it produced (the newest one). */
async function roundTrip(req: Parameters<typeof rawRequest>[1]) {
  const res = await rawRequest(t.receiverUrl, req);
  expect(res.status).toBe(200);
  const { items } = await t.client.listEvents({ limit: 1 });
  return wholeDetail(t.client, await t.client.getEvent({ id: items[0]!.id }));
}

describe('receiver keeps every delivery byte for byte', () => {
  it('stores a binary body exactly', async () => {
    const body = randomBytes(4096);
    const e = await roundTrip({
      path: '/bin',
      headers: [['Content-Type', 'application/octet-stream']],
      body,
    });
    expect(Buffer.from(e.body.base64, 'base64').equals(body)).toBe(true);
    expect(e.body.size).toBe(4096);
  });

  it('stores invalid UTF-8 without replacing bytes and offers no text for it', async () => {
    const body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
    const e = await roundTrip({ path: '/utf8', body });
    expect(Buffer.from(e.body.base64, 'base64').equals(body)).toBe(true);
    expect(e.body.text).toBeUndefined();
  });

  it('stores a 5 MB body exactly', async () => {
    const body = randomBytes(5 * 1024 * 1024);
    const e = await roundTrip({ path: '/big', body });
    expect(e.body.size).toBe(body.length);
    expect(Buffer.from(e.body.base64, 'base64').equals(body)).toBe(true);
  });

  it('stores an empty body', async () => {
    const e = await roundTrip({ method: 'DELETE', path: '/empty' });
    expect(e.method).toBe('DELETE');
    expect(e.body).toEqual({ base64: '', size: 0, text: '' });
  });

  it('stores a gzip-encoded body as received, not decoded', async () => {
    const gz = gzipSync(Buffer.from('{"event":"compressed"}'));
    const e = await roundTrip({
      path: '/gz',
      headers: [
        ['Content-Encoding', 'gzip'],
        ['Content-Type', 'application/json'],
      ],
      body: gz,
    });
    expect(Buffer.from(e.body.base64, 'base64').equals(gz)).toBe(true);
  });

  it('keeps headers in received order with duplicates and original case', async () => {
    const headers: [string, string][] = [
      ['X-Zeta', 'last-alphabetically-first-sent'],
      ['x-dup', 'one'],
      ['Content-Type', 'text/plain'],
      ['X-DUP', 'two'],
      ['X-Empty', ''],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ];
    const e = await roundTrip({ path: '/h', headers, body: 'hi' });
    const sent = e.headers.filter(([n]) => !/^(host|content-length|connection)$/i.test(n));
    expect(sent).toEqual(headers);
    expect(e.headers[0]![0]).toBe('Host');
    expect(e.contentType).toBe('text/plain');
  });

  it('keeps method, raw path and query string; any method is accepted', async () => {
    const e = await roundTrip({ method: 'PATCH', path: '/a%20b/c?x=1&y=%2F&x=2' });
    expect(e.method).toBe('PATCH');
    expect(e.path).toBe('/a%20b/c');
    expect(e.query).toBe('x=1&y=%2F&x=2');
    expect(e.sourceIp).toBe('127.0.0.1');
    expect(e.viaTunnel).toBe(false);
  });

  it('answers the default 200 {"ok":true} as JSON', async () => {
    const res = await rawRequest(t.receiverUrl, { path: '/default', body: '{}' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"ok":true}');
    expect(res.headers).toContainEqual(['Content-Type', 'application/json']);
  });

  it('ignores X-Forwarded-For from an untrusted peer and believes a trusted proxy', async () => {
    const untrusted = await roundTrip({
      path: '/xff',
      headers: [['X-Forwarded-For', '203.0.113.9']],
    });
    expect(untrusted.sourceIp).toBe('127.0.0.1');
    expect(untrusted.publicUrl).toBeNull();

    const proxied = await startEngine({ trustedProxies: ['127.0.0.0/8'] });
    try {
      await rawRequest(proxied.receiverUrl, {
        path: '/xff?q=1',
        headers: [
          ['X-Forwarded-For', '198.51.100.7, 203.0.113.9'],
          ['X-Forwarded-Proto', 'https'],
          ['X-Forwarded-Host', 'hooks.example.com'],
        ],
      });
      const { items } = await proxied.client.listEvents({});
      const e = await proxied.client.getEvent({ id: items[0]!.id });
      // The rightmost address not belonging to a trusted proxy is the client.
      expect(e.sourceIp).toBe('203.0.113.9');
      expect(e.publicUrl).toBe('https://hooks.example.com/xff?q=1');
    } finally {
      await proxied.stop();
    }
  });
});

describe('getEvent sends a body once, and a large one in parts', () => {
  const newest = async (body: Buffer, contentType = 'application/octet-stream') => {
    const res = await rawRequest(t.receiverUrl, {
      path: '/parts',
      headers: [['Content-Type', contentType]],
      body,
    });
    expect(res.status).toBe(200);
    const { items } = await t.client.listEvents({ limit: 1 });
    return items[0]!.id;
  };

  it('a 5 MB binary body: the first 256 KB as base64 only, the rest by getEventBody', async () => {
    const body = randomBytes(5 * 1024 * 1024);
    const id = await newest(body);
    const v = await t.client.getEvent({ id });
    expect(v.body).toMatchObject({ size: body.length, length: 256 * 1024, complete: false });
    expect(v.body.text).toBeUndefined();
    expect(JSON.stringify(v).length).toBeLessThan(400 * 1024); // not 13 MB
    const part = await t.client.getEventBody({ id, offset: 256 * 1024, length: 1000 });
    expect(Buffer.from(part.base64!, 'base64').equals(body.subarray(262_144, 263_144))).toBe(true);
    const whole = await wholeDetail(t.client, v);
    expect(Buffer.from(whole.body.base64, 'base64').equals(body)).toBe(true);
  });

  it('a large UTF-8 body: text only, never a character split between parts, BOM kept', async () => {
    // A BOM, then 3- and 4-byte characters so part ends fall inside characters.
    const text = '\ufeff' + '€😀a'.repeat(120_000);
    const body = Buffer.from(text, 'utf8');
    const id = await newest(body, 'text/plain');
    const v = await t.client.getEvent({ id });
    expect(v.body.base64).toBeUndefined();
    expect(v.body.complete).toBe(false);
    expect(Buffer.byteLength(v.body.text!, 'utf8')).toBe(v.body.length);
    expect(body.subarray(0, v.body.length).toString('utf8')).toBe(v.body.text);
    // A length ending inside a character is cut back to the character's start.
    const part = await t.client.getEventBody({ id, offset: 3, length: 5 });
    expect(part).toMatchObject({ offset: 3, length: 3, text: '€' });
    const whole = await wholeDetail(t.client, v);
    expect(whole.body.text).toBe(text);
    expect(Buffer.from(whole.body.base64, 'base64').equals(body)).toBe(true);
  });

  it('a small body comes whole in getEvent; a missing event is not found', async () => {
    const id = await newest(Buffer.from('{"small":true}'), 'application/json');
    const v = await t.client.getEvent({ id });
    expect(v.body).toEqual({ size: 14, length: 14, complete: true, text: '{"small":true}' });
    await expect(t.client.getEventBody({ id: 'nope', offset: 0, length: 10 })).rejects.toThrow(
      /no event/,
    );
  });
});
