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
