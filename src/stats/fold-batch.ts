import { sql, type SQL } from 'drizzle-orm';
import { rollUp, type BatchRollups, type Counts } from './fold-rollups.ts';
import { boolArray, numberArray, textArray } from './pg-array.ts';
import { queryRows, type Executor } from './sql-rows.ts';
import type { StatsEvent } from './stats-event.ts';

/**
 * Writes a batch (ids unique within it) in two statements of the caller's transaction: the
 * dedupe rows first, which tell which events are new; then what those new events add to
 * every rollup and the visitor rows, grouped in JavaScript (fold-rollups.ts), so Postgres
 * upserts one row per key instead of grouping every event once per rollup and dimension.
 * Answers how many events were new.
 */
export async function writeBatch(tx: Executor, events: readonly StatsEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const fresh = await insertDedupeRows(tx, events);
  if (fresh.length === 0) return 0;
  const rollups = rollUp(fresh);
  // Rows of one link first, then the rows every batch shares (the per-dimension hours, the
  // long blocks), so a consumer holds those as briefly as it can before committing: another
  // consumer's fold that reaches one of them waits for this commit.
  await tx.execute(linkRowsStatement(rollups));
  await tx.execute(sharedRowsStatement(rollups));
  return fresh.length;
}

/** Inserts a dedupe row per event; answers the events whose row is new (the others were counted before). */
async function insertDedupeRows(tx: Executor, events: readonly StatsEvent[]): Promise<readonly StatsEvent[]> {
  const col = <T>(pick: (e: StatsEvent) => T) => events.map(pick);
  // Keys sorted (fewer deadlocks between consumers, and the index is walked in order). The
  // new ids come back only when some were not new: usually all are.
  const [row] = await queryRows<{ n: number; ids: string | null }>(
    tx,
    sql`with fresh as (
      insert into stats_events (event_id, link_id, at, kind, bot, platform, country, device)
      select k, link_id, to_timestamp(ts), kind, bot, platform, country, device
      from unnest(${numberArray(col((e) => e.key))}::bigint[], ${numberArray(col((e) => e.linkId))}::bigint[], ${numberArray(col((e) => e.ts))}::bigint[],
        ${numberArray(col((e) => e.kind))}::smallint[], ${boolArray(col((e) => e.bot))}::boolean[], ${textArray(col((e) => e.platform))}::text[],
        ${textArray(col((e) => e.country))}::text[], ${textArray(col((e) => e.device))}::text[])
        as x(k, link_id, ts, kind, bot, platform, country, device)
      order by k
      on conflict (event_id) do nothing returning event_id
    ), n as (select count(*)::int as n from fresh)
    select n.n, case when n.n < ${events.length} then (select string_agg(event_id::text, ',') from fresh) end as ids from n`,
  );
  const n = row?.n ?? 0;
  if (n === events.length) return events;
  if (n === 0 || !row?.ids) return [];
  const ids = new Set(row.ids.split(','));
  return events.filter((e) => ids.has(String(e.key)));
}

const countArrays = (rows: readonly Counts[]) =>
  sql`${numberArray(rows.map((r) => r.clicks))}::bigint[], ${numberArray(rows.map((r) => r.impressions))}::bigint[],
    ${numberArray(rows.map((r) => r.botClicks))}::bigint[], ${numberArray(rows.map((r) => r.botImpressions))}::bigint[]`;
const ADD_COUNTS = (table: string) =>
  sql.raw(`clicks = ${table}.clicks + excluded.clicks, impressions = ${table}.impressions + excluded.impressions,
  bot_clicks = ${table}.bot_clicks + excluded.bot_clicks, bot_impressions = ${table}.bot_impressions + excluded.bot_impressions`);

// Each list comes in its table's key order (no ORDER BY needed: unnest keeps it).
// Data-modifying CTEs all run to completion, read or not.

/** The rows of one link: its hourly combinations and its visitors of the day. */
function linkRowsStatement(r: BatchRollups): SQL {
  const h = r.hourly;
  const ev = <T>(pick: (e: StatsEvent) => T) => h.map((row) => pick(row.event));
  return sql`with hourly as (
      insert into stats_hourly (link_id, hour, kind, bot, platform, country, device, os, browser, referrer, campaign, network, count)
      select link_id, to_timestamp(hour), kind, bot, platform, country, device, os, browser, referrer, campaign, network, n
      from unnest(${numberArray(ev((e) => e.linkId))}::bigint[], ${numberArray(h.map((row) => row.hour))}::bigint[], ${numberArray(ev((e) => e.kind))}::smallint[],
        ${boolArray(ev((e) => e.bot))}::boolean[], ${textArray(ev((e) => e.platform))}::text[], ${textArray(ev((e) => e.country))}::text[],
        ${textArray(ev((e) => e.device))}::text[], ${textArray(ev((e) => e.os))}::text[], ${textArray(ev((e) => e.browser))}::text[],
        ${textArray(ev((e) => e.referrer))}::text[], ${textArray(ev((e) => e.campaign))}::text[], ${textArray(ev((e) => e.network))}::text[],
        ${numberArray(h.map((row) => row.count))}::bigint[])
        as x(link_id, hour, kind, bot, platform, country, device, os, browser, referrer, campaign, network, n)
      on conflict on constraint stats_hourly_pk do update set count = stats_hourly.count + excluded.count
    ), visitors as (
      insert into stats_visitors (link_id, day, visitor)
      select link_id, '1970-01-01'::date + day, visitor
      from unnest(${numberArray(r.visitors.map((v) => v.linkId))}::bigint[], ${numberArray(r.visitors.map((v) => v.day))}::int[],
        ${numberArray(r.visitors.map((v) => v.visitor))}::bigint[]) as x(link_id, day, visitor)
      on conflict on constraint stats_visitors_pk do nothing
    )
    select 1`;
}

/** The rows many batches share: the per-link blocks (long ones span many hours) and the per-dimension hours. */
function sharedRowsStatement(r: BatchRollups): SQL {
  return sql`with blocks as (
      insert into stats_link_blocks (level, start, link_id, clicks, impressions, bot_clicks, bot_impressions)
      select level, to_timestamp(start), link_id, c, i, bc, bi
      from unnest(${numberArray(r.blocks.map((b) => b.level))}::smallint[], ${numberArray(r.blocks.map((b) => b.start))}::bigint[],
        ${numberArray(r.blocks.map((b) => b.linkId))}::bigint[], ${countArrays(r.blocks)}) as x(level, start, link_id, c, i, bc, bi)
      on conflict on constraint stats_link_blocks_pk do update set ${ADD_COUNTS('stats_link_blocks')}
    )
    insert into stats_dims_hourly (dim, hour, value, clicks, impressions, bot_clicks, bot_impressions)
    select dim, to_timestamp(hour), value, c, i, bc, bi
    from unnest(${textArray(r.dims.map((d) => d.dim))}::text[], ${numberArray(r.dims.map((d) => d.hour))}::bigint[],
      ${textArray(r.dims.map((d) => d.value))}::text[], ${countArrays(r.dims)}) as x(dim, hour, value, c, i, bc, bi)
    on conflict on constraint stats_dims_hourly_pk do update set ${ADD_COUNTS('stats_dims_hourly')}`;
}
