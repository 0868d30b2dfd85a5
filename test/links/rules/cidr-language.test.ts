import { describe, expect, it } from 'vitest';
import { acceptedLanguages } from '../../../src/links/rules/accept-language.ts';
import { inRange, parseAddress, parseCidr } from '../../../src/links/rules/cidr.ts';
import { createDeviceTypeDetector } from '../../../src/links/rules/device-type.ts';

describe('CIDR ranges', () => {
  const inside = (ip: string, cidr: string) => {
    const a = parseAddress(ip);
    const r = parseCidr(cidr);
    return a !== null && r !== null && inRange(a, r);
  };

  it('matches IPv4 and IPv6 prefixes at their edges', () => {
    expect(inside('192.168.1.0', '192.168.1.0/24')).toBe(true);
    expect(inside('192.168.1.255', '192.168.1.0/24')).toBe(true);
    expect(inside('192.168.2.0', '192.168.1.0/24')).toBe(false);
    expect(inside('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(inside('2001:db8::', '2001:db8::/32')).toBe(true);
    expect(inside('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::/32')).toBe(true);
    expect(inside('2001:db9::', '2001:db8::/32')).toBe(false);
    expect(inside('::1', '::1/128')).toBe(true);
  });

  it('never mixes families, except IPv4-mapped IPv6', () => {
    expect(inside('10.0.0.1', '::/0')).toBe(false);
    expect(inside('::ffff:10.0.0.1', '10.0.0.0/8')).toBe(true);
    expect(inside('10.0.0.1', '::ffff:10.0.0.0/104')).toBe(true);
  });

  it('refuses malformed ranges', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', '2001:db8::/129', 'x', '10.0.0.0/', '10.0.0.0/8/8', '::ffff:10.0.0.0/90']) expect(parseCidr(bad)).toBeNull();
  });
});

describe('Accept-Language', () => {
  it('orders by quality, drops q=0, * and junk', () => {
    expect(acceptedLanguages('en-US,en;q=0.9,de;q=0.95,fr;q=0,*;q=0.1')).toEqual(['en-us', 'de', 'en']);
    expect(acceptedLanguages('  pt-BR ; q=0.5 , <script>')).toEqual(['pt-br']);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });
});

describe('device type', () => {
  const detect = createDeviceTypeDetector();
  it.each([
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'phone'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36', 'phone'],
    ['Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'tablet'],
    ['Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', 'tablet'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'desktop'],
    ['Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0 Mobile Safari/537.36', 'tv'],
    ['Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0 TV Safari/537.36', 'tv'],
    ['', 'desktop'],
  ])('%s is a %s', (ua, device) => {
    expect(detect(ua)).toBe(device);
  });
});
