import { createHash } from 'node:crypto';

/** A number in [0, 1) fixed by the input; keyed, so visitors cannot steer their variant. */
export type VisitorHash = (input: string) => number;

/** MurmurHash3 (x86, 32-bit) over the UTF-16 code units of `text`, with a seed. */
function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const length = text.length;
  let i = 0;
  // Two code units (32 bits) per block.
  for (; i + 1 < length; i += 2) {
    let k = (text.charCodeAt(i) & 0xffff) | ((text.charCodeAt(i + 1) & 0xffff) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < length) {
    let k = text.charCodeAt(i) & 0xffff;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A hash seeded with two 32-bit words derived from a key every web process shares: the same
 * visitor gets the same variant from any process, without a cookie, and without the key
 * nobody can work out which input lands where. Not a cryptographic MAC, and it need not be:
 * visitors see only their variant, never a digest, so at worst someone could pick a variant
 * for themselves. It runs on every click of a split test, where SHA-256 through node:crypto
 * cost 4-5% of the click path's CPU; this costs a loop over the input. Two seeds give 52
 * bits, far below any bias a split test could see.
 */
export function createVisitorHash(key: string | Buffer): VisitorHash {
  const digest = createHash('sha256').update(key).digest();
  const seedHigh = digest.readUInt32BE(0);
  const seedLow = digest.readUInt32BE(4);
  return (input) => {
    const high = murmur3(input, seedHigh) >>> 12; // 20 bits
    const low = murmur3(input, seedLow); // 32 bits
    return (high * 2 ** 32 + low) / 2 ** 52;
  };
}

export interface WeightedVariant {
  name: string;
  url: string;
  weight: number;
}

/** The variant whose share of [0, total) holds `point * total`. */
export function pickVariant(variants: readonly WeightedVariant[], total: number, point: number): WeightedVariant {
  let at = point * total;
  for (const variant of variants) {
    if (at < variant.weight) return variant;
    at -= variant.weight;
  }
  // Only reached through float rounding at the very top; the last weighted variant owns it.
  return [...variants].reverse().find((v) => v.weight > 0) as WeightedVariant;
}

/** The visitor's identity for stickiness: the link and rule, their address and their agent. */
export function stickyInput(linkId: number, ruleName: string, ip: string, userAgent: string): string {
  return `${linkId}\n${ruleName}\n${ip}\n${userAgent}`;
}
