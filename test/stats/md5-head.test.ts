import { hash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5Head, md5Int64 } from '../../src/stats/md5-head.ts';

const head = (text: string) => hash('md5', text, 'buffer').readBigInt64BE(0);

describe('md5Head', () => {
  it('is the first 8 bytes of node:crypto md5 for every UUID', () => {
    for (let i = 0; i < 5_000; i++) {
      const id = randomUUID();
      expect(md5Head(id)).toBe(head(id));
    }
  });

  it('agrees with node:crypto on every ASCII string of up to 55 characters, and refuses the rest', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 80 }), (text) => {
        const got = md5Head(text);
        if (text.length <= 55) expect(got).toBe(head(text));
        else expect(got).toBeUndefined();
      }),
      { numRuns: 5_000 },
    );
  });

  it('at each length around the one-block limit, and for text beyond ASCII', () => {
    for (let n = 0; n <= 60; n++) {
      const text = 'x'.repeat(n);
      expect(md5Head(text)).toBe(n <= 55 ? head(text) : undefined);
    }
    // Bytes the padding and length words land on, and the highest ASCII code.
    expect(md5Head('\u007f'.repeat(55))).toBe(head('\u007f'.repeat(55)));
    expect(md5Head('\u0000')).toBe(head('\u0000'));
    expect(md5Head('café')).toBeUndefined();
    expect(md5Head('日本')).toBeUndefined();
  });

  it('md5Int64 gives the same for every string, those md5Head refuses included', () => {
    for (const text of [randomUUID(), '', 'x'.repeat(56), 'x'.repeat(1_000), 'café', '日本', '😀']) expect(md5Int64(text)).toBe(head(text));
  });
});
