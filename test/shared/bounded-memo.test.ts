import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../../src/shared/bounded-memo.ts';

function counted(maxEntries: number, charsPerEntry?: number) {
  const calls: string[] = [];
  const memo = boundedMemo((key) => {
    calls.push(key);
    return `v:${key}`;
  }, maxEntries, charsPerEntry);
  return { memo, calls };
}

describe('boundedMemo', () => {
  it('computes a key once while it is remembered', () => {
    const { memo, calls } = counted(100);
    for (let round = 0; round < 5; round++) for (let i = 0; i < 40; i++) expect(memo(`k${i}`)).toBe(`v:k${i}`);
    expect(calls).toHaveLength(40);
  });

  it('keeps a key used again and again while many others pass through once', () => {
    const { memo, calls } = counted(100);
    for (let i = 0; i < 10_000; i++) {
      memo('hot');
      memo(`cold${i}`);
    }
    expect(calls.filter((k) => k === 'hot')).toHaveLength(1);
  });

  it('forgets past its bound of entries', () => {
    const { memo, calls } = counted(100);
    for (let i = 0; i < 1_000; i++) memo(`k${i}`);
    calls.length = 0;
    // The last 50 are surely remembered; far more than 100 cannot be.
    for (let i = 950; i < 1_000; i++) memo(`k${i}`);
    expect(calls).toHaveLength(0);
    for (let i = 0; i < 1_000; i++) memo(`k${i}`);
    expect(calls.length).toBeGreaterThanOrEqual(900);
  });

  it('forgets past its bound of characters: long keys count for more', () => {
    const { memo, calls } = counted(100, 10);
    const long = (i: number) => `${i}:${'x'.repeat(500)}`;
    for (let i = 0; i < 20; i++) memo(long(i));
    calls.length = 0;
    for (let i = 0; i < 20; i++) memo(long(i));
    // 100 entries of 10 characters hold about one 500-character key per generation.
    expect(calls.length).toBeGreaterThanOrEqual(18);
  });
});
