import { isIP } from 'node:net';

/** `IP_PRIVACY`: `off` queues the visitor's address as is, unless the visitor asks otherwise. */
export type IpPrivacy = 'off' | 'truncate';

/**
 * Global Privacy Control and Do Not Track are the visitor saying "do not follow me"; we
 * honour either, and an operator may honour it for everyone.
 */
export function wantsPrivacy(setting: IpPrivacy, secGpc: string | undefined, dnt: string | undefined): boolean {
  return setting === 'truncate' || secGpc?.trim() === '1' || dnt?.trim() === '1';
}

/**
 * The network, not the host: /24 for IPv4, /48 for IPv6. Enough for a country lookup,
 * too coarse to single out a household. Anything unparsable becomes the unknown address
 * rather than leaking through.
 */
export function truncateIp(ip: string): string {
  const family = isIP(ip);
  if (family === 4) return `${ip.slice(0, ip.lastIndexOf('.'))}.0`;
  if (family === 6) {
    const groups = ipv6Groups(ip);
    if (groups) {
      // Canonical text (RFC 5952): the trailing zeros are always the longest run, so `::` takes them.
      while (groups.at(-1) === '0') groups.pop();
      return `${groups.join(':')}::`;
    }
  }
  return '0.0.0.0';
}

/** The first three 16-bit groups of an IPv6 address, as lower-case hex without leading zeros. */
function ipv6Groups(ip: string): string[] | null {
  // A zone (fe80::1%eth0) names an interface of ours, not part of the visitor's address.
  const address = ip.split('%')[0] ?? '';
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) holds two groups.
  const expand = (groups: string[]) =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const front = expand(headGroups);
  const back = expand(tailGroups);
  const missing = 8 - front.length - back.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  const all = [...front, ...Array<string>(missing).fill('0'), ...back];
  return all.slice(0, 3).map((g) => parseInt(g, 16).toString(16));
}
