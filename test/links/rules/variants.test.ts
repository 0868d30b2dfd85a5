import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, explain } from '../../../src/links/rules/decide.ts';
import { ctx, rules, visitor } from './support.ts';

const split = rules([
  { name: 'us', when: { countries: ['US'] }, target: 'https://us.example/' },
  {
    name: 'split',
    target: [
      { name: 'a', url: 'https://a.example/', weight: 50 },
      { name: 'b', url: 'https://b.example/', weight: 30 },
      { name: 'c', url: 'https://c.example/', weight: 20 },
    ],
  },
]);

const ipOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe('weighted variants', () => {
  it('a visitor keeps their variant on a second click, from any process with the same key', () => {
    for (let i = 0; i < 200; i++) {
      const facts = { ip: ipOf(i), userAgent: `UA ${i % 7}` };
      const first = decide(split, ctx(), visitor(facts));
      const again = decide(split, ctx(), visitor(facts)); // a new hash function: another process
      expect(again).toEqual(first);
    }
  });

  it('10,000 visitors are split within 2 points of the weights', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      const d = decide(split, ctx(), visitor({ ip: ipOf(i), userAgent: 'Mozilla/5.0 same browser' }));
      counts[d.variant as string] = (counts[d.variant as string] ?? 0) + 1;
    }
    expect(Math.abs(((counts.a ?? 0) / n) * 100 - 50)).toBeLessThanOrEqual(2);
    expect(Math.abs(((counts.b ?? 0) / n) * 100 - 30)).toBeLessThanOrEqual(2);
    expect(Math.abs(((counts.c ?? 0) / n) * 100 - 20)).toBeLessThanOrEqual(2);
  });

  it('a variant with weight 0 gets nobody', () => {
    const paused = rules([{ target: [{ url: 'https://a.example/', weight: 1 }, { url: 'https://b.example/', weight: 0 }] }]);
    for (let i = 0; i < 500; i++) expect(decide(paused, ctx(), visitor({ ip: ipOf(i) })).variant).toBe('1');
  });

  it('another key gives other assignments (visitors cannot compute theirs without it)', async () => {
    const { createVisitorHash } = await import('../../../src/links/rules/variants.ts');
    let differ = 0;
    for (let i = 0; i < 200; i++) {
      const v = { ip: ipOf(i) };
      if (decide(split, ctx(), visitor(v)).variant !== decide(split, ctx({ hash: createVisitorHash('other') }), visitor(v)).variant) differ++;
    }
    expect(differ).toBeGreaterThan(50);
  });
});

const PLATFORMS = ['ios', 'android', 'web'] as const;
const DEVICES = ['phone', 'tablet', 'desktop', 'tv'] as const;
const many = rules([
  { name: 'fb-ios', when: { platforms: ['ios'], query: [{ param: 'src', equals: 'fb' }] }, target: 'https://r1.example/' },
  { name: 'office', when: { ips: ['10.0.0.0/16', 'fd00::/8'] }, target: 'https://r2.example/' },
  { name: 'dach', when: { countries: ['DE', 'AT', 'CH'], devices: ['phone', 'tablet'] }, targets: { android: 'https://r3.example/' } },
  { name: 'german', when: { languages: ['de'] }, target: [{ url: 'https://r4a.example/', weight: 1 }, { url: 'https://r4b.example/', weight: 3 }] },
  { name: 'night', when: { time: { hours: { from: '22:00', to: '06:00' }, timezone: 'America/New_York' } }, target: 'https://r5.example/' },
  { name: 'tv', when: { devices: ['tv'] }, targets: { default: [{ url: 'https://r6a.example/', weight: 1 }, { url: 'https://r6b.example/', weight: 1 }] } },
]);

const visitorFacts = fc.record({
  platform: fc.constantFrom(...PLATFORMS),
  device: fc.constantFrom(...DEVICES),
  country: fc.constantFrom('DE', 'AT', 'US', 'FR', null),
  languages: fc.subarray(['de', 'de-at', 'en', 'fr-ch']),
  ip: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('10.0.3.4', 'fd12::1')),
  userAgent: fc.string({ maxLength: 20 }),
  query: fc.dictionary(fc.constantFrom('src', 'x'), fc.constantFrom('fb', 'tt', '')),
  nowMs: fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') }),
});

describe('explain', () => {
  it('agrees with the real choice for generated visitors, and says why each earlier rule failed', () => {
    fc.assert(
      fc.property(visitorFacts, (facts) => {
        const real = decide(many, ctx(), visitor(facts));
        const e = explain(many, ctx(), visitor(facts));
        expect({ rule: e.rule, variant: e.variant, target: e.target }).toEqual(real);
        const failed = e.rules.filter((r) => !r.matched);
        expect(failed.every((r) => r.reasons.length > 0)).toBe(true);
        expect(e.rules.length).toBe(real.rule ? real.rule.index + 1 : 6);
      }),
      { numRuns: 2000 },
    );
  });
});
