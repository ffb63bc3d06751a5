// The key every per-address limit counts under (src/web/clientAddress.ts): IPv4 as it is, IPv4
// mapped into IPv6 as the IPv4 address, any other IPv6 address as its /64.
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../src/web/clientAddress.js';

describe('addressKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    const key = '2001:db8:1:2::/64';
    for (const written of ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2::a%eth0']) {
      expect(addressKey(written), written).toBe(key);
    }
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:db8::5:6:7:8')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(addressKey('::ffff:198.51.100.9')).toBe('198.51.100.9');
    expect(addressKey('::FFFF:c633:6409')).toBe('198.51.100.9');
    expect(addressKey('0:0:0:0:0:ffff:127.0.0.1')).toBe('127.0.0.1');
  });

  it('maps a key to itself, and leaves anything else alone', () => {
    for (const key of ['2001:db8:1:2::/64', '198.51.100.9', 'unknown', 'not an address']) expect(addressKey(addressKey(key))).toBe(key);
  });
});
