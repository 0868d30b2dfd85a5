import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionEnds } from '../../src/stats/offsets.ts';

const positionArb = fc.record({
  topic: fc.constantFrom('clicks', 'impressions', 'events'),
  partition: fc.integer({ min: 0, max: 3 }),
  offset: fc.bigInt({ min: 0n, max: 1000n }),
});

describe('partitionEnds', () => {
  it('answers, per topic and partition in key order, the offset after its highest message, however the messages interleave', () => {
    fc.assert(
      fc.property(fc.array(positionArb, { maxLength: 60 }), (positions) => {
        const highest = new Map<string, { topic: string; partition: number; next: bigint }>();
        for (const p of positions) {
          const key = `${p.topic}:${p.partition}`;
          const seen = highest.get(key);
          if (!seen || seen.next <= p.offset) highest.set(key, { topic: p.topic, partition: p.partition, next: p.offset + 1n });
        }
        const expected = [...highest].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, end]) => end);
        expect(partitionEnds(positions)).toEqual(expected);
      }),
    );
  });
});
