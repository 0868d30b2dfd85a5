import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createDb, type Database } from '../../src/db/client.ts';
import { foldEvents } from '../../src/stats/fold.ts';
import { blockCover, HOUR_MS, LINK_BLOCK_LEVELS } from '../../src/stats/link-blocks.ts';
import { linkClickCounts, queryGroups, type BotFilter, type StatsQuery } from '../../src/stats/query.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import type { StatsEvent } from '../../src/stats/stats-event.ts';
import { zonedInstant } from '../../src/stats/zoned-time.ts';
import { testSql } from '../support/fixtures.ts';
import { statsEvent } from './support.ts';
import { openTempEmbedded } from '../support/temp-embedded.ts';

describe('blockCover', () => {
  it('adds and subtracts aligned blocks of the stored levels to exactly the hours of a period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400_000, max: 600_000 }), fc.integer({ min: 0, max: 24 * 400 }), fc.integer({ min: 0, max: HOUR_MS - 1 }), (startHour, hours, offsetMs) => {
        const from = new Date(startHour * HOUR_MS - offsetMs);
        const to = new Date((startHour + hours) * HOUR_MS - (offsetMs > HOUR_MS / 2 ? offsetMs : 0));
        const weight = new Map<number, number>();
        for (const b of blockCover(from, to)) {
          const first = b.start.getTime() / HOUR_MS;
          expect(LINK_BLOCK_LEVELS).toContain(b.level);
          expect(first % 2 ** b.level).toBe(0);
          for (let h = first; h < first + 2 ** b.level; h++) weight.set(h, (weight.get(h) ?? 0) + b.sign);
        }
        // The hours a query over [from, to) counts (those starting inside it) once, any other hour not at all.
        const wanted: number[] = [];
        for (let h = Math.ceil(from.getTime() / HOUR_MS); h * HOUR_MS < to.getTime(); h++) wanted.push(h);
        expect([...weight].filter(([, w]) => w !== 0).sort((x, y) => x[0] - y[0])).toEqual(wanted.map((h) => [h, 1]));
      }),
    );
  });

  it('takes about 10 blocks, at most 14, for 30 days ending at any hour', () => {
    const sizes = Array.from({ length: 24 * 64 }, (_, i) => blockCover(new Date(Date.UTC(2026, 10, 1, i)), new Date(Date.UTC(2026, 11, 1, i))).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(14);
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeLessThan(10.5);
  });

  it('takes no block for an empty period', () => {
    expect(blockCover(new Date(Date.UTC(2026, 0, 1, 5)), new Date(Date.UTC(2026, 0, 1, 5)))).toEqual([]);
    expect(blockCover(new Date(Date.UTC(2026, 0, 1, 5, 10)), new Date(Date.UTC(2026, 0, 1, 5, 50)))).toEqual([]);
  });
});

function blocksSuite(name: string, open: () => Promise<{ db: Database; close(): Promise<void> }>) {
  describe(`per-link blocks on ${name}`, () => {
    let handle: { db: Database; close(): Promise<void> };
    // A week of its own far in the future, so a query over all links sees only these links.
    const year = 2100 + Math.floor(Math.random() * 200);
    const start = Date.UTC(year, 2, 3) / 1000;
    const link = 700_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
    const events: StatsEvent[] = [];

    beforeAll(async () => {
      handle = await open();
      // Four days, an event every 23 minutes over five links, bots and impressions among them.
      for (let i = 0; i < 4 * 24 * 60; i += 23) {
        events.push(statsEvent({ linkId: link + (i % 5), ts: start + i * 60 + (i % 60), bot: i % 7 === 0, type: i % 11 === 0 ? '/t/imp' : '/t/click' }));
      }
      for (let i = 0; i < events.length; i += 50) await foldEvents(handle.db, events.slice(i, i + 50));
    });
    afterAll(async () => {
      await handle.close();
    });

    /** Counts per link straight from the hourly rows, as the query must answer them. */
    async function fromHourly(q: StatsQuery) {
      const pick = q.bots === 'exclude' ? sql`not bot` : q.bots === 'only' ? sql`bot` : sql`true`;
      const rows = await queryRows<{ value: string; clicks: string; impressions: string }>(
        handle.db,
        sql`select link_id::text as value, sum(count) filter (where kind = 1 and ${pick})::text as clicks, sum(count) filter (where kind = 2 and ${pick})::text as impressions
            from stats_hourly where hour >= ${q.from.toISOString()}::timestamptz and hour < ${q.to.toISOString()}::timestamptz
            group by 1`,
      );
      const counts = rows.map((r) => ({ value: r.value, clicks: Number(r.clicks ?? 0), impressions: Number(r.impressions ?? 0) }));
      return new Map(counts.filter((c) => c.clicks + c.impressions > 0).map((c) => [c.value, { clicks: c.clicks, impressions: c.impressions }]));
    }

    it.each(['exclude', 'include', 'only'] as const)('top links from 10:00 on day 1 to 19:00 on day 3 in Asia/Tokyo agree with the hourly rows (bots=%s)', async (bots: BotFilter) => {
      const day = new Date(start * 1000);
      const q: StatsQuery = {
        from: zonedInstant(year, 3, day.getUTCDate() + 1, 'Asia/Tokyo', 10),
        to: zonedInstant(year, 3, day.getUTCDate() + 3, 'Asia/Tokyo', 19),
        interval: 'day',
        timezone: 'Asia/Tokyo',
        filters: {},
        bots,
        limit: 100,
      };
      const groups = await queryGroups(handle.db, q, 'link');
      const expected = await fromHourly(q);
      expect(expected.size).toBe(5);
      expect(new Map(groups.map((g) => [g.value, { clicks: g.clicks, impressions: g.impressions }]))).toEqual(expected);
    });

    it('the link list counts 24 hours and 30 days from the blocks', async () => {
      const now = new Date((start + 3 * 86_400 + 5 * 3600 + 600) * 1000);
      const counts = await linkClickCounts(handle.db, [link, link + 1], now);
      const end = new Date(Math.ceil(now.getTime() / HOUR_MS) * HOUR_MS);
      for (const [id, c] of counts) {
        const day = events.filter((e) => e.linkId === id && e.kind === 1 && !e.bot && e.ts * 1000 >= end.getTime() - 86_400_000 && e.ts * 1000 < end.getTime()).length;
        const month = events.filter((e) => e.linkId === id && e.kind === 1 && !e.bot && e.ts * 1000 < end.getTime()).length;
        expect(c).toEqual({ day, month });
      }
      expect(counts.size).toBe(2);
    });

    it('a redelivered batch leaves every block as it was', async () => {
      const before = await queryRows(handle.db, sql`select level, start, link_id, clicks, impressions, bot_clicks, bot_impressions from stats_link_blocks where link_id between ${link} and ${link + 4} order by 1, 2, 3`);
      const again = await foldEvents(handle.db, events.slice(0, 120));
      expect(again.folded).toBe(0);
      const after = await queryRows(handle.db, sql`select level, start, link_id, clicks, impressions, bot_clicks, bot_impressions from stats_link_blocks where link_id between ${link} and ${link + 4} order by 1, 2, 3`);
      expect(after).toEqual(before);
      const [sum] = await queryRows<{ n: string }>(handle.db, sql`select sum(clicks + impressions + bot_clicks + bot_impressions)::text as n from stats_link_blocks where level = ${LINK_BLOCK_LEVELS.at(-1)} and link_id between ${link} and ${link + 4}`);
      expect(Number(sum?.n)).toBe(events.length);
    });
  });
}

blocksSuite('Postgres', async () => {
  const client = testSql();
  return { db: createDb(client), close: () => client.end() };
});

blocksSuite('PGlite (embedded)', () => openTempEmbedded('ct-blocks'));
