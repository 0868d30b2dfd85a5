import { createHash } from 'node:crypto';
import { fmix32 } from '../../shared/fmix32.ts';

/**
 * A number in [0, 1) fixed by the visitor's identity for one rule of one link (the link,
 * the rule, their address and their agent); keyed, so visitors cannot steer their variant.
 */
export type VisitorHash = (linkId: number, ruleName: string, ip: string, userAgent: string) => number;

// Agents whose digest is kept; cleared when full, so a flood of junk agents costs a
// re-hash, never memory.
const AGENTS_MAX = 10_000;

/** MurmurHash3's finalizer: spreads the last bits over the whole word. */
function finish(h: number, length: number): number {
  return fmix32(h ^ (length * 2));
}

/**
 * MurmurHash3 (x86, 32-bit) over the UTF-16 code units of `text`, with two seeds at once:
 * the mixed block `k` does not depend on the seed, so one pass over the text serves both
 * hashes (each is exactly MurmurHash3 with its seed). Answers a point in [0, 1): 20 bits of
 * the first hash above the 32 of the second (no array per click).
 */
function murmur3Point(text: string, seedA: number, seedB: number): number {
  let a = seedA >>> 0;
  let b = seedB >>> 0;
  const length = text.length;
  let i = 0;
  // Two code units (32 bits) per block.
  for (; i + 1 < length; i += 2) {
    let k = (text.charCodeAt(i) & 0xffff) | ((text.charCodeAt(i + 1) & 0xffff) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b ^= k;
    b = (b << 13) | (b >>> 19);
    b = (Math.imul(b, 5) + 0xe6546b64) | 0;
  }
  if (i < length) {
    let k = text.charCodeAt(i) & 0xffff;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    b ^= k;
  }
  return ((finish(a, length) >>> 12) * 2 ** 32 + finish(b, length)) / 2 ** 52;
}

/**
 * A hash seeded with two 32-bit words derived from a key every web process shares: the same
 * visitor gets the same variant from any process, without a cookie, and without the key
 * nobody can work out which input lands where. Not a cryptographic MAC, and it need not be:
 * visitors see only their variant, never a digest, so at worst someone could pick a variant
 * for themselves. It runs on every click of a split test, where SHA-256 through node:crypto
 * cost 4-5% of the click path's CPU; this costs one loop over the input for
 * both seeds. Two seeds give 52 bits, far below any bias a split test could see.
 */
export function createVisitorHash(key: string | Buffer): VisitorHash {
  const digest = createHash('sha256').update(key).digest();
  const seedHigh = digest.readUInt32BE(0);
  const seedLow = digest.readUInt32BE(4);
  // The agent is the long part of the identity (130 characters and more) and a campaign's
  // visitors share a few hundred agents: each agent's own digest is kept, so a click hashes
  // only a short string. (In the click bench the full string cost 3% of the process.)
  const agents = new Map<string, string>();
  return (linkId, ruleName, ip, userAgent) => {
    let agent = agents.get(userAgent);
    if (agent === undefined) {
      agent = murmur3Point(userAgent, seedHigh, seedLow).toString(36);
      if (agents.size >= AGENTS_MAX) agents.clear();
      agents.set(userAgent, agent);
    }
    return murmur3Point(`${linkId}\n${ruleName}\n${ip}\n${agent}`, seedHigh, seedLow);
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
