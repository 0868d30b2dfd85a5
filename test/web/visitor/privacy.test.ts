import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { truncateIp, wantsPrivacy } from '../../../src/web/visitor/privacy.ts';

describe('truncateIp', () => {
  it.each([
    ['198.51.100.7', '198.51.100.0'],
    ['8.8.8.8', '8.8.8.0'],
    ['10.0.0.255', '10.0.0.0'],
    ['0.0.0.0', '0.0.0.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:0DB8:85A3:08D3:1319:8A2E:0370:7348', '2001:db8:85a3::'],
    ['2a03:2880:f12f:83:face:b00c:0:25de', '2a03:2880:f12f::'],
    ['2001:db8::1', '2001:db8::'],
    ['::1', '::'],
    ['::', '::'],
    ['fe80::1%eth0', 'fe80::'],
    ['64:ff9b::192.0.2.33', '64:ff9b::'],
    ['::ffff:192.0.2.33', '::'],
    ['0:0:1::1', '0:0:1::'],
    ['not an ip', '0.0.0.0'],
  ])('%s -> %s', (ip, expected) => {
    expect(truncateIp(ip)).toBe(expected);
    // The line codec refuses anything that is not an address.
    expect(isIP(truncateIp(ip))).not.toBe(0);
  });
});

describe('wantsPrivacy', () => {
  it.each([
    ['nothing sent', 'off', undefined, undefined, false],
    ['Sec-GPC: 1', 'off', '1', undefined, true],
    ['DNT: 1', 'off', undefined, '1', true],
    ['DNT: 0', 'off', undefined, '0', false],
    ['Sec-GPC with spaces', 'off', ' 1 ', undefined, true],
    ['IP_PRIVACY=truncate', 'truncate', undefined, undefined, true],
  ] as const)('%s', (_, setting, gpc, dnt, expected) => {
    expect(wantsPrivacy(setting, gpc, dnt)).toBe(expected);
  });
});
