import { hash } from 'node:crypto';

// RFC 1321's constants: the shift of each step, and the sines' table.
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const SINES = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
const A0 = 0x67452301;
const B0 = 0xefcdab89 | 0;
const C0 = 0x98badcfe | 0;
const D0 = 0x10325476;
const MAX_CHARS = 55;
const block = new Int32Array(16);

/**
 * The first 8 bytes of the md5 of a short ASCII string (at most 55 characters, one 64-byte
 * block: every UUID), read as a signed big-endian 64-bit integer; undefined for any other
 * string. RFC 1321, one block only. Checked against node:crypto over random and edge-case
 * strings (test/stats/md5-head.test.ts).
 */
export function md5Head(text: string): bigint | undefined {
  const n = text.length;
  if (n > MAX_CHARS) return undefined;
  block.fill(0);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    block[i >> 2] = (block[i >> 2] as number) | (c << ((i & 3) * 8));
  }
  block[n >> 2] = (block[n >> 2] as number) | (0x80 << ((n & 3) * 8));
  block[14] = n * 8;
  let a = A0;
  let b = B0;
  let c = C0;
  let d = D0;
  for (let i = 0; i < 64; i++) {
    const round = i >> 4;
    let f: number;
    let g: number;
    if (round === 0) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (round === 1) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (round === 2) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const x = (a + f + (SINES[i] as number) + (block[g] as number)) | 0;
    const s = SHIFTS[(round << 2) | (i & 3)] as number;
    a = d;
    d = c;
    c = b;
    b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  // The digest's first 8 bytes are a and b, each little-endian; read big-endian.
  return (BigInt(swap(a + A0) | 0) << 32n) | BigInt(swap(b + B0) >>> 0);
}

/**
 * The first 8 bytes of the md5 of `text` (UTF-8) as a signed big-endian bigint: in JavaScript
 * where `md5Head` can (a UUID), else with node:crypto. The dedupe keys and the combination ids
 * are both made this way (event-key.ts, dim-sets.ts), as their SQL twins are.
 */
export function md5Int64(text: string): bigint {
  return md5Head(text) ?? hash('md5', text, 'buffer').readBigInt64BE(0);
}

const swap = (v: number) => ((v & 0xff) << 24) | (((v >>> 8) & 0xff) << 16) | (((v >>> 16) & 0xff) << 8) | ((v >>> 24) & 0xff);
