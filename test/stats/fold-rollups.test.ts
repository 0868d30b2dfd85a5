import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dimSetKey, TEXTS } from '../../src/stats/dim-sets.ts';
import { DIMENSIONS, mergeCollisions, rollUp, type HourlyRow } from '../../src/stats/fold-rollups.ts';
import { STORED_LINK_BLOCK_LEVELS } from '../../src/stats/link-blocks.ts';
import { KIND_CLICK, KIND_IMPRESSION } from '../../src/stats/stats-schema.ts';
import type { StatsEvent } from '../../src/stats/stats-event.ts';

const T0 = Date.UTC(2026, 2, 10) / 1000;
// Few values each (so events share rows), texts that could run into each other in a naive key.
const text = fc.constantFrom('', 'a', 'a:b', '1:a', 'b', '日本', 'a,b');
const eventArb = fc.record({
  linkId: fc.integer({ min: 1, max: 4 }),
  ts: fc.integer({ min: T0, max: T0 + 3 * 86_400 }),
  kind: fc.constantFrom(KIND_CLICK, KIND_IMPRESSION),
  bot: fc.boolean(),
  platform: text,
  country: text,
  device: text,
  os: text,
  browser: text,
  referrer: text,
  campaign: text,
  network: text,
  visitor: fc.option(fc.bigInt({ min: -3n, max: 3n })),
});
type RawEvent = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;
const toEvent = (e: RawEvent, i: number): StatsEvent => ({ ...e, key: BigInt(i) });

type Fields = Omit<StatsEvent, 'id' | 'key' | 'source'>;
const category = (e: Fields) => (e.kind === KIND_CLICK ? (e.bot ? 'botClicks' : 'clicks') : e.bot ? 'botImpressions' : 'impressions');

/** Counts per key, computed one event at a time, the way the SQL fold grouped them. */
function naive(events: readonly StatsEvent[]) {
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const hourly = new Map<string, number>();
  const blocks = new Map<string, number>();
  const dims = new Map<string, number>();
  const visitors = new Set<string>();
  for (const e of events) {
    const hour = e.ts - (e.ts % 3600);
    add(hourly, JSON.stringify([e.linkId, hour, e.kind, e.bot, e.platform, e.country, e.device, e.os, e.browser, e.referrer, e.campaign, e.network]));
    for (const level of STORED_LINK_BLOCK_LEVELS) add(blocks, JSON.stringify([level, hour - (hour % (3600 * 2 ** level)), e.linkId, category(e)]));
    for (const dim of DIMENSIONS) add(dims, JSON.stringify([dim, hour, dim === '' ? '' : e[dim], category(e)]));
    if (e.visitor !== null) visitors.add(JSON.stringify([e.linkId, Math.floor(e.ts / 86_400), String(e.visitor)]));
  }
  return { hourly, blocks, dims, visitors };
}

function spread(counts: { clicks: number; impressions: number; botClicks: number; botImpressions: number }, key: (c: string) => string, into: Map<string, number>) {
  for (const c of ['clicks', 'impressions', 'botClicks', 'botImpressions'] as const) if (counts[c] > 0) into.set(key(c), counts[c]);
}

describe('rollUp: a batch grouped in JavaScript into the rows each rollup gains', () => {
  it('gives every rollup exactly the counts of grouping the events one by one', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 300 }), (raw) => {
        const events = raw.map(toEvent);
        const r = rollUp(events);
        const want = naive(events);
        const hourly = new Map(
          r.hourly.map((h) => {
            const e = h.event;
            return [JSON.stringify([e.linkId, h.hour, e.kind, e.bot, e.platform, e.country, e.device, e.os, e.browser, e.referrer, e.campaign, e.network]), h.count];
          }),
        );
        expect(hourly).toEqual(want.hourly);
        expect(r.hourly.length).toBe(want.hourly.size);
        // Each row names its texts' combination, which the batch lists once.
        const sets = new Map(r.sets.map((s) => [s.id, s.texts]));
        expect(sets.size).toBe(r.sets.length);
        for (const h of r.hourly) {
          const texts = TEXTS.map((t) => h.event[t]);
          expect(h.dimSet).toBe(dimSetKey(texts));
          expect(sets.get(h.dimSet)).toEqual(texts);
        }
        expect(sets.size).toBe(new Set(r.hourly.map((h) => h.dimSet)).size);
        const blocks = new Map<string, number>();
        for (const b of r.blocks) spread(b, (c) => JSON.stringify([b.level, b.start, b.linkId, c]), blocks);
        expect(blocks).toEqual(want.blocks);
        const dims = new Map<string, number>();
        for (const d of r.dims) spread(d, (c) => JSON.stringify([d.dim, d.hour, d.value, c]), dims);
        expect(dims).toEqual(want.dims);
        expect(new Set(r.visitors.map((v) => JSON.stringify([v.linkId, v.day, String(v.visitor)])))).toEqual(want.visitors);
        expect(r.visitors.length).toBe(want.visitors.size);
      }),
      { numRuns: 200 },
    );
  });

  it('lists each rollup in its key order, so consumers lock shared rows in the same order', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 200 }), (raw) => {
        const r = rollUp(raw.map(toEvent));
        const sorted = <T>(rows: T[], key: (row: T) => unknown[]) => {
          for (let i = 1; i < rows.length; i++) {
            const a = key(rows[i - 1] as T);
            const b = key(rows[i] as T);
            const order = a.findIndex((x, j) => x !== b[j]);
            expect(order).toBeGreaterThanOrEqual(0);
            expect((a[order] as number) < (b[order] as number)).toBe(true);
          }
        };
        sorted(r.blocks, (b) => [b.level, b.start, b.linkId]);
        sorted(r.dims, (d) => [d.dim, d.hour, d.value]);
        sorted(r.visitors, (v) => [v.linkId, v.day, v.visitor]);
        // Past the bot flag, the texts' order: the same for every consumer (fold-rollups.ts).
        sorted(r.hourly, (h) => [h.event.linkId, h.hour, h.event.kind, Number(h.event.bot), h.event.platform, h.event.country, h.event.device, h.event.os, h.event.browser, h.event.referrer, h.event.campaign, h.event.network]);
        sorted(r.sets, (s) => [s.id]);
      }),
      { numRuns: 100 },
    );
  });

  it('merges the rows of one key when two combinations’ ids collide, and leaves the rest as they are', () => {
    const e = (linkId: number, platform: string): StatsEvent => ({ key: BigInt(linkId), linkId, ts: T0, kind: KIND_CLICK, bot: false, platform, country: '', device: '', os: '', browser: '', referrer: '', campaign: '', network: '', visitor: null });
    const row = (linkId: number, platform: string, dimSet: bigint, count: number): HourlyRow => ({ event: e(linkId, platform), hour: T0, dimSet, count });
    // Link 1: 'a' and 'c' collided (both 7n); link 2's 7n is another key.
    const rows = [row(1, 'a', 7n, 2), row(1, 'b', 8n, 3), row(1, 'c', 7n, 4), row(2, 'a', 7n, 5)];
    expect(mergeCollisions(rows).map((r) => [r.event.linkId, r.event.platform, r.dimSet, r.count])).toEqual([
      [1, 'a', 7n, 6],
      [1, 'b', 8n, 3],
      [2, 'a', 7n, 5],
    ]);
    const plain = [row(1, 'a', 7n, 2), row(1, 'b', 8n, 3)];
    expect(mergeCollisions(plain)).toBe(plain);
  });
});
