import { sql, type SQL } from 'drizzle-orm';
import { LINK_BLOCK_LEVELS } from './link-blocks.ts';
import { boolArray, numberArray, textArray } from './pg-array.ts';
import { queryRows, type Executor } from './sql-rows.ts';
import type { StatsEvent } from './stats-event.ts';

// The four counts of a group of events, as the rollups without dimensions keep them.
const COUNTS = sql.raw(`count(*) filter (where kind = 1 and not bot) as clicks, count(*) filter (where kind = 2 and not bot) as impressions,
  count(*) filter (where kind = 1 and bot) as bot_clicks, count(*) filter (where kind = 2 and bot) as bot_impressions`);
const ADD_COUNTS = (table: string) =>
  sql.raw(`clicks = ${table}.clicks + excluded.clicks, impressions = ${table}.impressions + excluded.impressions,
  bot_clicks = ${table}.bot_clicks + excluded.bot_clicks, bot_impressions = ${table}.bot_impressions + excluded.bot_impressions`);

/**
 * Writes a batch (ids unique within it) in ONE statement: the dedupe rows, and for the
 * events whose id was new, every rollup and the visitor rows. The events travel as one
 * array per field and are grouped by Postgres; each upsert's rows are sorted by key, so two
 * consumers that touch the same rollup rows lock them in the same order. Data-modifying
 * CTEs all run to completion, read or not. Answers how many events were new.
 */
export async function writeBatch(tx: Executor, events: readonly StatsEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = await queryRows<{ n: number }>(tx, batchStatement(events));
  return rows[0]?.n ?? 0;
}

function batchStatement(events: readonly StatsEvent[]): SQL {
  const col = <T>(pick: (e: StatsEvent) => T) => events.map(pick);
  return sql`with input as (
      select * from unnest(${numberArray(col((e) => e.key))}::bigint[], ${numberArray(col((e) => e.linkId))}::bigint[],
        ${numberArray(col((e) => e.ts))}::bigint[], ${numberArray(col((e) => e.kind))}::smallint[], ${boolArray(col((e) => e.bot))}::boolean[],
        ${textArray(col((e) => e.platform))}::text[], ${textArray(col((e) => e.country))}::text[], ${textArray(col((e) => e.device))}::text[],
        ${textArray(col((e) => e.os))}::text[], ${textArray(col((e) => e.browser))}::text[], ${textArray(col((e) => e.referrer))}::text[],
        ${textArray(col((e) => e.campaign))}::text[], ${textArray(col((e) => e.network))}::text[], ${numberArray(col((e) => e.visitor))}::bigint[])
        as x(k, link_id, ts, kind, bot, platform, country, device, os, browser, referrer, campaign, network, visitor)
    ), fresh as (
      insert into stats_events (event_id, link_id, at, kind, bot, platform, country, device)
      select k, link_id, to_timestamp(ts), kind, bot, platform, country, device from input order by k
      on conflict (event_id) do nothing returning event_id
    ), ev as (
      select i.*, to_timestamp(i.ts - i.ts % 3600) as hour from input i join fresh f on f.event_id = i.k
    ), hourly as (
      insert into stats_hourly (link_id, hour, kind, bot, platform, country, device, os, browser, referrer, campaign, network, count)
      select link_id, hour, kind, bot, platform, country, device, os, browser, referrer, campaign, network, count(*) from ev
      group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
      on conflict on constraint stats_hourly_pk do update set count = stats_hourly.count + excluded.count
    ), link_hours as (
      -- int counts: their sums below are bigint, where sums of bigint would be numeric (several times slower).
      select link_id, ts - ts % 3600 as hour_s, count(*) filter (where kind = 1 and not bot)::int as clicks, count(*) filter (where kind = 2 and not bot)::int as impressions,
        count(*) filter (where kind = 1 and bot)::int as bot_clicks, count(*) filter (where kind = 2 and bot)::int as bot_impressions
      from ev group by 1, 2
    ), link_blocks as (
      -- Each link-hour once per level, into the block of 2^level hours (since the epoch) that holds it.
      insert into stats_link_blocks (level, start, link_id, clicks, impressions, bot_clicks, bot_impressions)
      select b.level, to_timestamp(h.hour_s - h.hour_s % (3600::bigint << b.level)), h.link_id,
        sum(h.clicks), sum(h.impressions), sum(h.bot_clicks), sum(h.bot_impressions)
      from link_hours h cross join unnest(${sql.raw(`'{${LINK_BLOCK_LEVELS.join(',')}}'::int[]`)}) as b(level)
      group by 1, 2, 3 order by 1, 2, 3
      on conflict on constraint stats_link_blocks_pk do update set ${ADD_COUNTS('stats_link_blocks')}
    ), combos as (
      -- Events that differ only in their link, counted once before being spread per dimension.
      select hour, platform, country, device, os, browser, referrer, campaign, network, ${COUNTS} from ev
      group by 1, 2, 3, 4, 5, 6, 7, 8, 9
    ), dims as (
      insert into stats_dims_hourly (dim, hour, value, clicks, impressions, bot_clicks, bot_impressions)
      select d.dim, c.hour, d.value, sum(c.clicks), sum(c.impressions), sum(c.bot_clicks), sum(c.bot_impressions)
      from combos c cross join lateral (values ('', ''), ('platform', c.platform), ('country', c.country), ('device', c.device), ('os', c.os),
        ('browser', c.browser), ('referrer', c.referrer), ('campaign', c.campaign), ('network', c.network)) as d(dim, value)
      group by 1, 2, 3 order by 1, 2, 3
      on conflict on constraint stats_dims_hourly_pk do update set ${ADD_COUNTS('stats_dims_hourly')}
    ), visitors as (
      insert into stats_visitors (link_id, day, visitor)
      select distinct link_id, (hour at time zone 'UTC')::date, visitor from ev where visitor is not null order by 1, 2, 3
      on conflict on constraint stats_visitors_pk do nothing
    )
    select count(*)::int as n from fresh`;
}
