import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStatsHeader, statsFieldsOf, statsHeaderOf } from '../../src/shared/stats-fields.ts';
import { toStatsEvent } from '../../src/stats/stats-event.ts';
import { enrichedJson, hashVisitor } from '../stats/support.ts';

// Enriched events as the worker writes them, with the fields the statistics read drawn from
// everything they may hold: missing, null, the wrong type, too long, quotes and tabs.
const maybeText = fc.oneof(fc.string({ maxLength: 300 }), fc.constant(undefined), fc.constant(null), fc.integer(), fc.constant('"\t\\\n€'));
const eventArb = fc.record({
  type: fc.constantFrom('/t/click', '/t/imp'),
  // Finite: the worker's times are digits it decoded (a NaN would be null in the message's JSON).
  ts: fc.oneof(fc.integer({ min: -5, max: 40_000_000_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant('1700000000'), fc.constant(null)),
  ip: maybeText,
  country: maybeText,
  bot: fc.oneof(fc.boolean(), fc.constant('true')),
  device: fc.oneof(fc.constant(null), fc.record({ type: maybeText })),
  os: fc.oneof(fc.constant(null), fc.record({ name: maybeText })),
  browser: fc.oneof(fc.constant(null), fc.record({ name: maybeText })),
  params: fc.record({
    click_id: maybeText,
    impression_id: maybeText,
    link_id: fc.oneof(fc.integer({ min: -1, max: 2 ** 54 }).map(String), fc.integer({ min: 1, max: 10_000 }), maybeText),
    platform: maybeText,
    lookup_key: maybeText,
    referer_host: maybeText,
    campaign: maybeText,
    network: maybeText,
  }),
  user_agent: fc.oneof(fc.string({ maxLength: 1_500 }), fc.constant(undefined)),
});

describe('the stats header', () => {
  it('gives the statistics the same event as the message it comes with, or the same reason to skip it', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const header = statsHeaderOf(event);
        expect(header).toBeDefined();
        expect(toStatsEvent(header as string, hashVisitor)).toEqual(toStatsEvent(JSON.stringify(event), hashVisitor));
      }),
      { numRuns: 2_000 },
    );
  });

  it('is the fields of a plain click, bounded, and left out for other events', () => {
    const click = JSON.parse(enrichedJson({ linkId: 7, ts: 1_700_000_000, id: 'c-1', lookupKey: 'v1', referer: 'news.example', campaign: 'spring' }));
    expect(JSON.parse(statsHeaderOf(click) as string)).toEqual([
      '/t/click',
      'c-1',
      7,
      1_700_000_000,
      false,
      'ios',
      'US',
      'smartphone',
      'iOS',
      'Mobile Safari',
      'news.example',
      'spring',
      'meta',
      'k:v1',
    ]);
    // No lookup key: the address and agent stand for the visitor, as in the message.
    expect(statsFieldsOf({ ...click, params: { ...click.params, lookup_key: undefined } })[13]).toBe('a:198.51.100.7|Mozilla/5.0 (iPhone)');
    // A header that names a visitor for a bot or an impression does not make one.
    const forged = (type: string, bot: boolean) =>
      JSON.stringify(['/t/click', 'c-9', 7, 1_700_000_000, bot, 'ios', 'US', '', '', '', '', '', '', 'k:v1'].map((v, i) => (i === 0 ? type : v)));
    expect(toStatsEvent(forged('/t/click', false), hashVisitor)).toMatchObject({ visitor: expect.any(BigInt) });
    expect(toStatsEvent(forged('/t/click', true), hashVisitor)).toMatchObject({ visitor: null });
    expect(toStatsEvent(forged('/t/imp', false), hashVisitor)).toMatchObject({ visitor: null });
    expect(statsHeaderOf({ ...click, type: '/v1/track' })).toBeUndefined();
    expect(statsHeaderOf({ ...click, type: undefined })).toBeUndefined();
  });

  it('refuses what is not a header of this version, and the statistics skip it with a reason', () => {
    const good = JSON.parse(statsHeaderOf(JSON.parse(enrichedJson({ linkId: 7, ts: 1_700_000_000 }))) as string) as unknown[];
    const bad = [
      '[',
      '[]',
      JSON.stringify(good.slice(1)),
      JSON.stringify([...good, 'x']),
      JSON.stringify(good.map((v, i) => (i === 4 ? 'false' : v))),
      JSON.stringify(good.map((v, i) => (i === 6 ? 1 : v))),
      JSON.stringify(good.map((v, i) => (i === 2 ? '7' : v))),
      JSON.stringify(good.map((v, i) => (i === 11 ? 'x'.repeat(257) : v))),
    ];
    expect(parseStatsHeader(JSON.stringify(good))).toEqual(good);
    for (const value of bad) {
      expect(parseStatsHeader(value), value).toBeUndefined();
      expect(toStatsEvent(value, hashVisitor)).toEqual({ skip: 'bad_stats_header' });
    }
  });
});
