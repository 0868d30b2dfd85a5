import { isIP } from 'node:net';
import { ipv6Groups } from './client-ip.ts';

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
    const groups = ipv6Groups(ip, 3);
    if (groups) {
      // Canonical text (RFC 5952): the trailing zeros are always the longest run, so `::` takes them.
      while (groups.at(-1) === '0') groups.pop();
      return `${groups.join(':')}::`;
    }
  }
  return '0.0.0.0';
}
