import { describe, expect, it } from 'vitest';
import {
  isAllowedOrigin,
  isLoopbackHost,
  isPublicHost,
  isPublicOrigin,
} from '../../src/headless/guard';
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

describe('the public origin (serve --public-url)', () => {
  const pub = 'https://hooks.example.com';
  it('accepts exactly its host as Host, with or without the default port', () => {
    expect(isPublicHost('hooks.example.com', pub)).toBe(true);
    expect(isPublicHost('HOOKS.example.com:443', pub)).toBe(true);
    expect(isPublicHost('hooks.example.com:8443', pub)).toBe(false);
    expect(isPublicHost('hooks.example.com.evil.test', pub)).toBe(false);
    expect(isPublicHost('evil.test@hooks.example.com', pub)).toBe(false);
    expect(isPublicHost('hooks.example.com/x', pub)).toBe(false);
    expect(isPublicHost('hooks.example.com', undefined)).toBe(false);
    expect(isPublicHost('h.example.com:8443', 'https://h.example.com:8443')).toBe(true);
  });

  it('accepts exactly its origin as Origin', () => {
    expect(isPublicOrigin('https://hooks.example.com', pub)).toBe(true);
    expect(isPublicOrigin('http://hooks.example.com', pub)).toBe(false);
    expect(isPublicOrigin('https://hooks.example.com:8443', pub)).toBe(false);
    expect(isPublicOrigin('null', pub)).toBe(false);
    expect(isPublicOrigin(undefined, pub)).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:9', 9, 'https:')).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:9', 9, 'https:')).toBe(false);
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
