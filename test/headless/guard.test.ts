import { describe, expect, it } from 'vitest';
import { isAllowedOrigin, isLoopbackHost } from '../../src/headless/guard';
import { isTrusted, normalizeIp } from '../../src/core/net';

describe('loopback guards', () => {
  it('accepts only loopback names with the right port as Host', () => {
    expect(isLoopbackHost('127.0.0.1:8080', 8080)).toBe(true);
    expect(isLoopbackHost('LOCALHOST:8080', 8080)).toBe(true);
    expect(isLoopbackHost('[::1]:8080', 8080)).toBe(true);
    expect(isLoopbackHost('127.0.0.1:8081', 8080)).toBe(false);
    expect(isLoopbackHost('127.0.0.1', 8080)).toBe(false);
    expect(isLoopbackHost('localhost.evil.com:8080', 8080)).toBe(false);
    expect(isLoopbackHost('127.0.0.1@evil.com:8080', 8080)).toBe(false);
    expect(isLoopbackHost(undefined, 8080)).toBe(false);
  });

  it('accepts no Origin or our own, nothing else', () => {
    expect(isAllowedOrigin(undefined, 80)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:80', 80)).toBe(true);
    expect(isAllowedOrigin('http://localhost:9', 9)).toBe(true);
    expect(isAllowedOrigin('https://127.0.0.1:9', 9)).toBe(false);
    expect(isAllowedOrigin('null', 9)).toBe(false);
    expect(isAllowedOrigin('http://evil.example:9', 9)).toBe(false);
  });
});

describe('client address helpers', () => {
  it('normalises IPv4-mapped addresses and rejects non-IPs', () => {
    expect(normalizeIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIp('::1')).toBe('::1');
    expect(normalizeIp('not-an-ip')).toBeNull();
  });

  it('matches trusted proxies by IP and CIDR and rejects malformed entries', () => {
    expect(isTrusted('10.0.0.5', ['10.0.0.0/8'])).toBe(true);
    expect(isTrusted('11.0.0.5', ['10.0.0.0/8'])).toBe(false);
    expect(isTrusted('::1', ['::1'])).toBe(true);
    expect(isTrusted('10.0.0.5', [])).toBe(false);
    expect(() => isTrusted('10.0.0.5', ['10.0.0.0/33'])).toThrow(/invalid prefix/);
    expect(() => isTrusted('10.0.0.5', ['example.com'])).toThrow(/not an IP/);
  });
});
