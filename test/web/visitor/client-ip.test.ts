import { describe, expect, it } from 'vitest';
import { clientIp, clientNetwork, UNKNOWN_IP } from '../../../src/web/visitor/client-ip.ts';

describe('clientIp', () => {
  it('uses the socket address when no proxy is trusted, whatever the header says', () => {
    expect(clientIp('203.0.113.1', '198.51.100.9', 0)).toBe('203.0.113.1');
  });

  it('takes the address the trusted proxy saw, not what the client wrote', () => {
    // Heroku's router appends the address it saw; the client may prepend anything.
    expect(clientIp('10.1.2.3', '6.6.6.6, 198.51.100.9', 1)).toBe('198.51.100.9');
    expect(clientIp('10.1.2.3', '198.51.100.9, 10.0.0.1', 2)).toBe('198.51.100.9');
  });

  it('uses the leftmost entry when there are fewer entries than trusted hops', () => {
    expect(clientIp('10.1.2.3', '198.51.100.9', 3)).toBe('198.51.100.9');
  });

  it('unwraps IPv4-mapped IPv6 and bracketed addresses', () => {
    expect(clientIp('::ffff:198.51.100.9', undefined, 0)).toBe('198.51.100.9');
    expect(clientIp('10.0.0.1', '[2001:db8::1]', 1)).toBe('2001:db8::1');
  });

  it('falls back to the socket for a garbled header, and to 0.0.0.0 without a socket', () => {
    expect(clientIp('203.0.113.1', 'not-an-ip', 1)).toBe('203.0.113.1');
    expect(clientIp(undefined, undefined, 0)).toBe(UNKNOWN_IP);
  });
});

describe('clientNetwork', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('counts %s as %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });
});
