import { isIP } from 'node:net';

/** Written when the address is unknown (no socket in tests, or a garbled header). */
export const UNKNOWN_IP = '0.0.0.0';

function normalize(address: string | undefined): string | undefined {
  if (!address) return undefined;
  let ip = address.trim();
  if (ip.startsWith('[') && ip.includes(']')) ip = ip.slice(1, ip.indexOf(']'));
  // Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; GeoIP and people want a.b.c.d.
  if (ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  return isIP(ip) ? ip : undefined;
}

/**
 * The visitor's address. Each trusted proxy appends the address it received the request
 * from to X-Forwarded-For, so with N trusted hops the client is the Nth entry from the
 * right; anything further left was written by the client and cannot be trusted.
 */
export function clientIp(socketAddress: string | undefined, forwardedFor: string | undefined, trustedHops: number): string {
  const direct = normalize(socketAddress) ?? UNKNOWN_IP;
  if (trustedHops <= 0 || !forwardedFor) return direct;
  const hops = forwardedFor.split(',');
  const index = Math.max(hops.length - trustedHops, 0);
  return normalize(hops[index]) ?? direct;
}

/** The first `count` 16-bit groups of an IPv6 address, as lower-case hex without leading zeros. */
export function ipv6Groups(ip: string, count: number): string[] | null {
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
  return all.slice(0, count).map((g) => parseInt(g, 16).toString(16));
}

/**
 * Who a per-client limit should count: the IPv4 address, or the IPv6 /64, since one
 * subscriber is usually handed a whole /64 and could otherwise change address per request.
 */
export function clientNetwork(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const groups = ipv6Groups(ip, 4);
  return groups ? `${groups.join(':')}::/64` : ip;
}
