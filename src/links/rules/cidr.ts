import { isIP } from 'node:net';

/**
 * IPv4 and IPv6 ranges as bigints: parsed once per link, then a visitor address is one
 * parse and a mask per range. IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack
 * socket reports) is read as the IPv4 address, so a v4 rule matches it.
 */
export interface CidrRange {
  version: 4 | 6;
  network: bigint;
  mask: bigint;
  text: string;
}

export interface ParsedAddress {
  version: 4 | 6;
  value: bigint;
}

function v4ToBigint(address: string): bigint {
  let value = 0n;
  for (const part of address.split('.')) value = (value << 8n) | BigInt(Number(part));
  return value;
}

function v6ToBigint(address: string): bigint {
  let text = address;
  // A trailing dotted quad ("::ffff:1.2.3.4", "64:ff9b::1.2.3.4") is two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const v4 = v4ToBigint(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(parseInt(group, 16));
  return value;
}

const MAPPED_V4_PREFIX = 0xffffn << 32n;

export function parseAddress(address: string): ParsedAddress | null {
  // Zone ids ("fe80::1%eth0") say which interface, not which address.
  const bare = address.includes('%') ? address.slice(0, address.indexOf('%')) : address;
  const version = isIP(bare);
  if (version === 4) return { version: 4, value: v4ToBigint(bare) };
  if (version !== 6) return null;
  const value = v6ToBigint(bare);
  if (value >> 32n === 0xffffn && (value & ~0xffffffffn) === MAPPED_V4_PREFIX) return { version: 4, value: value & 0xffffffffn };
  return { version: 6, value };
}

export function parseCidr(text: string): CidrRange | null {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseAddress(addressText);
  if (!address) return null;
  // A mapped address written in a v6 range is compared as v4: "::ffff:10.0.0.0/104" is 10/8.
  const bits = address.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    const writtenBits = isIP(addressText) === 4 ? 32 : 128;
    if (prefix > writtenBits) return null;
    if (writtenBits === 128 && address.version === 4) {
      if (prefix < 96) return null;
      prefix -= 96;
    }
  }
  const all = (1n << BigInt(bits)) - 1n;
  const mask = (all << BigInt(bits - prefix)) & all;
  return { version: address.version, network: address.value & mask, mask, text };
}

export function isValidCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

export function inRange(address: ParsedAddress, range: CidrRange): boolean {
  return address.version === range.version && (address.value & range.mask) === range.network;
}
