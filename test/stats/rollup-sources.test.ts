import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createDb } from '../../src/db/client.ts';
import { foldEvents } from '../../src/stats/fold.ts';
import { STORED_LINK_BLOCK_LEVELS } from '../../src/stats/link-blocks.ts';
import { queryGroups, queryStats, type BotFilter, type StatsQuery } from '../../src/stats/query.ts';
import { queryRows } from '../../src/stats/sql-rows.ts';
import { KIND_CLICK } from '../../src/stats/stats-schema.ts';
import type { StatsEvent } from '../../src/stats/stats-event.ts';
import { testSql } from '../support/fixtures.ts';
import { statsEvent } from './support.ts';

const client = testSql();
const db = createDb(client);
afterAll(() => client.end());

// A week of its own far in the future, so the queries over all links see only these events.
const START = Date.UTC(2031 + Math.floor(Math.random() * 60), 0, 5) / 1000;
const LINK = 800_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
const COUNTRIES = ['JP', 'US', 'DE', ''];
const events: StatsEvent[] = [];

/** What a query should answer, counted from the events themselves. */
function expected(q: StatsQuery, key: (e: StatsEvent) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.ts < q.from.getTime() / 1000 || e.ts >= q.to.getTime() / 1000 || e.kind !== KIND_CLICK) continue;
    if (q.bots === 'exclude' ? e.bot : q.bots === 'only' ? !e.bot : false) continue;
    if (q.filters.country && !q.filters.country.includes(e.country)) continue;
    out.set(key(e), (out.get(key(e)) ?? 0) + 1);
  }
  return out;
}

describe('rollups: each query reads the smallest table that answers it, with the same answer', () => {
  beforeAll(async () => {
    // Three days of clicks, every 37 minutes, 23:30 UTC included (the next day in Tokyo).
    for (let i = 0; i < 3 * 24 * 60; i += 37) {
      events.push(
        statsEvent({
          linkId: LINK + (i % 3),
          ts: START + i * 60,
          country: COUNTRIES[i % 4] === '' ? null : COUNTRIES[i % 4],
          bot: i % 5 === 0,
          platform: ['ios', 'android', 'web'][i % 3] as string,
          type: i % 7 === 0 ? '/t/imp' : '/t/click',
        }),
      );
    }
    for (let i = 0; i < events.length; i += 40) await foldEvents(db, events.slice(i, i + 40));
  });

  // From 09:00 UTC on day 1 to 15:00 on day 3: partial UTC days at both ends, Tokyo days.
  const query = (bots: BotFilter, filters: StatsQuery['filters'] = {}): StatsQuery => ({
    from: new Date((START + 9 * 3600) * 1000),
    to: new Date((START + 2 * 86_400 + 15 * 3600) * 1000),
    interval: 'day',
    timezone: 'Asia/Tokyo',
    filters,
    bots,
    limit: 100,
  });
  const asMap = (rows: { value: string; clicks: number }[]) => new Map(rows.filter((r) => r.clicks > 0).map((r) => [r.value, r.clicks]));

  it.each(['exclude', 'include', 'only'] as const)('top links over partial UTC days (bots=%s): the blocks of hours that cover the period', async (bots) => {
    const q = query(bots);
    expect(asMap(await queryGroups(db, q, 'link'))).toEqual(expected(q, (e) => String(e.linkId)));
  });

  it('totals, Tokyo days and top countries without a link: the per-dimension hours', async () => {
    const q = query('exclude');
    const result = await queryStats(db, { ...q, groupBy: 'country' });
    expect(asMap(result.groups)).toEqual(expected(q, (e) => e.country));
    expect(result.totals.clicks).toBe([...expected(q, () => '').values()].reduce((a, b) => a + b, 0));
    const tokyoDay = (e: StatsEvent) => new Date((e.ts + 9 * 3600) * 1000).toISOString().slice(0, 10);
    expect(new Map(result.series.filter((p) => p.clicks > 0).map((p) => [p.local.slice(0, 10), p.clicks]))).toEqual(expected(q, tokyoDay));
    expect(result.totals.unique_visitors).toBeNull();
  });

  it('a filter on one dimension and a group by another: every dimension per link', async () => {
    const q = query('include', { country: ['JP', 'DE'] });
    expect(asMap(await queryGroups(db, q, 'platform'))).toEqual(expected(q, (e) => e.platform));
    expect(asMap(await queryGroups(db, q, 'country'))).toEqual(expected(q, (e) => e.country));
  });

  it('the rollups without dimensions hold the same counts as the hourly rows', async () => {
    const ids = [LINK, LINK + 1, LINK + 2];
    const levels = await queryRows<{ n: string }>(
      db,
      sql`select sum(clicks + impressions + bot_clicks + bot_impressions)::text as n from stats_link_blocks
          where link_id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) group by level order by level`,
    );
    const [dims] = await queryRows<{ n: string }>(
      db,
      sql`select sum(clicks + impressions + bot_clicks + bot_impressions)::text as n from stats_dims_hourly where dim = '' and hour >= to_timestamp(${START}) and hour < to_timestamp(${START + 3 * 86_400})`,
    );
    // Every level of blocks holds each event once.
    expect(levels.map((l) => Number(l.n))).toEqual(STORED_LINK_BLOCK_LEVELS.map(() => events.length));
    expect(Number(dims?.n)).toBe(events.length);
  });
});
