import { describe, expect, it } from 'vitest';
import { clientGroups, clientKey, isLoopback, normalizeIp } from '../../src/core/net';

describe('client keys', () => {
  it('groups an IPv6 address by its /56 and /48 (×2 and ×4 the rate); none for IPv4', () => {
    expect(clientGroups('2001:db8:77:1234::1')).toEqual([
      { key: '2001:db8:77:1200::/56', share: 2 },
      { key: '2001:db8:77::/48', share: 4 },
    ]);
    expect(clientGroups('2001:0DB8:0077:12ff:ffff::')).toEqual(clientGroups('2001:db8:77:1200::'));
    expect(clientGroups('203.0.113.7')).toEqual([]);
    expect(clientGroups('::ffff:203.0.113.7')).toEqual([]);
    expect(clientGroups('nope')).toEqual([]);
  });

  it('keys IPv4 by address and IPv6 by its /64, whatever the spelling', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:DB8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('1:2:3:4:5:6:1.2.3.4')).toBe('1:2:3:4::/64');
    expect(clientKey('not an ip')).toBeNull();
    expect(clientKey(null)).toBeNull();
  });

  it('counts an IPv4-mapped IPv6 address as IPv4, in any spelling', () => {
    for (const ip of [
      '::ffff:198.51.100.9',
      '::FFFF:198.51.100.9',
      '::ffff:c633:6409',
      '0:0:0:0:0:ffff:c633:6409',
    ]) {
      expect(normalizeIp(ip)).toBe('198.51.100.9');
      expect(clientKey(ip)).toBe('198.51.100.9');
    }
    // NAT64 is not mapped: it stays IPv6.
    expect(normalizeIp('64:ff9b::1.2.3.4')).toBe('64:ff9b::1.2.3.4');
  });

  it('knows loopback however spelled', () => {
    for (const ip of [
      '127.0.0.1',
      '127.9.9.9',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
    ]) {
      expect(isLoopback(ip)).toBe(true);
    }
    for (const ip of ['10.0.0.1', '::', '::2', '2001:db8::1', null, 'x'])
      expect(isLoopback(ip)).toBe(false);
  });
});
