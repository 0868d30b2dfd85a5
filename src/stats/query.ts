import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { linkSource, statsSource } from './query-source.ts';
import { queryRows } from './sql-rows.ts';
import { DIMENSIONS, type Dimension, type StatsQuery } from './stats-query.ts';

// The query's shape has a module of its own, so query-source.ts can read it without importing
// this module back; it is re-exported here for the callers that ask this module for both.
export { type BotFilter, DIMENSIONS, type Dimension, INTERVALS, type Interval, type StatsQuery } from './stats-query.ts';

export interface StatsTotals {
  clicks: number;
  impressions: number;
  /** Clicks the worker flagged as bots in the same period and filters, whatever `bots` says. */
  bot_clicks: number;
  /** Distinct human visitors, exact; null where it cannot be told (a dimension filter, bots=only). */
  unique_visitors: number | null;
}

export interface SeriesPoint {
  /** Start of the bucket, an instant (UTC). */
  start: string;
  /** The same start as wall-clock time in the query's time zone. */
  local: string;
  clicks: number;
  impressions: number;
}

export interface GroupRow {
  value: string;
  /** For group_by=link: the link's slug. */
  label?: string;
  clicks: number;
  impressions: number;
}

export interface StatsResult {
  totals: StatsTotals;
  series: SeriesPoint[];
  groups: GroupRow[];
}

const num = (v: string | number | null | undefined) => Number(v ?? 0);

/** The counts a `bots` mode shows, over a source's columns. */
function selected(q: StatsQuery): { clicks: SQL; impressions: SQL } {
  if (q.bots === 'exclude') return { clicks: sql`s.clicks`, impressions: sql`s.impressions` };
  if (q.bots === 'only') return { clicks: sql`s.bot_clicks`, impressions: sql`s.bot_impressions` };
  return { clicks: sql`(s.clicks + s.bot_clicks)`, impressions: sql`(s.impressions + s.bot_impressions)` };
}

/**
 * Buckets are truncated in the query's time zone (Postgres' `at time zone`), so a day in
 * Asia/Tokyo starts at 15:00 UTC and a DST day has 23 or 25 hours. Hours are stored in
 * UTC, so zones with a half-hour offset see their hour buckets 30 minutes shifted.
 */
export function bucket(q: StatsQuery): SQL {
  return q.interval === 'hour'
    ? sql`s.hour`
    : sql`(date_trunc(${q.interval}, s.hour at time zone ${q.timezone}) at time zone ${q.timezone})`;
}

export function buckets(q: StatsQuery): SQL {
  if (q.interval === 'hour') {
    return sql`generate_series(date_trunc('hour', ${q.from.toISOString()}::timestamptz), ${q.to.toISOString()}::timestamptz - interval '1 microsecond', interval '1 hour')`;
  }
  const tz = q.timezone;
  return sql`(select s at time zone ${tz} from generate_series(
      date_trunc(${q.interval}, ${q.from.toISOString()}::timestamptz at time zone ${tz}),
      (${q.to.toISOString()}::timestamptz - interval '1 microsecond') at time zone ${tz},
      ${`1 ${q.interval}`}::interval) as s)`;
}

export async function queryStats(db: Database, q: StatsQuery): Promise<StatsResult> {
  const source = statsSource(q, undefined);
  const pick = selected(q);
  const [totals, series, groups, visitors] = await Promise.all([
    queryRows<{ clicks: string; impressions: string; bot_clicks: string }>(
      db,
      sql`select coalesce(sum(${pick.clicks}), 0)::text as clicks, coalesce(sum(${pick.impressions}), 0)::text as impressions,
                 coalesce(sum(s.bot_clicks), 0)::text as bot_clicks
          from (${source}) s`,
    ),
    queryRows<{ start: string; local: string; clicks: string; impressions: string }>(
      db,
      sql`with counts as (
            select ${bucket(q)} as b, sum(${pick.clicks}) as clicks, sum(${pick.impressions}) as impressions from (${source}) s group by 1)
          select to_char(s.b at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as start,
                 to_char(s.b at time zone ${q.timezone}, 'YYYY-MM-DD"T"HH24:MI') as local,
                 coalesce(c.clicks, 0)::text as clicks, coalesce(c.impressions, 0)::text as impressions
          from ${buckets(q)} as s(b) left join counts c on c.b = s.b order by s.b`,
    ),
    q.groupBy ? queryGroups(db, q, q.groupBy) : Promise.resolve([]),
    uniqueVisitors(db, q),
  ]);
  const t = totals[0];
  return {
    totals: { clicks: num(t?.clicks), impressions: num(t?.impressions), bot_clicks: num(t?.bot_clicks), unique_visitors: visitors },
    series: series.map((r) => ({ start: r.start, local: r.local, clicks: num(r.clicks), impressions: num(r.impressions) })),
    groups,
  };
}

export async function queryGroups(db: Database, q: StatsQuery, dim: Dimension): Promise<GroupRow[]> {
  const pick = selected(q);
  const rows = await queryRows<{ value: string; label: string | null; clicks: string; impressions: string }>(
    db,
    sql`with g as (
          select s.value, sum(${pick.clicks}) as clicks, sum(${pick.impressions}) as impressions
          from (${statsSource(q, dim)}) s group by 1 having sum(${pick.clicks}) + sum(${pick.impressions}) > 0
          order by 2 desc, 3 desc, 1 limit ${q.limit})
        select g.value::text as value, ${dim === 'link' ? sql`l.slug` : sql`null`} as label, g.clicks::text as clicks, g.impressions::text as impressions
        from g ${dim === 'link' ? sql`left join campaign_links l on l.id = g.value` : sql``}
        order by g.clicks desc, g.impressions desc, g.value`,
  );
  return rows.map((r) => ({ value: r.value, ...(r.label !== null ? { label: r.label } : {}), clicks: num(r.clicks), impressions: num(r.impressions) }));
}

/**
 * Exact, from the per-day visitor rows (UTC days overlapping the period), for the links a
 * query names. Over all links it would count distinct visitors across millions of rows on
 * every dashboard view, so it is not told there (null), as with a dimension filter.
 */
async function uniqueVisitors(db: Database, q: StatsQuery): Promise<number | null> {
  const dimensionFilters = DIMENSIONS.some((d) => d !== 'link' && (q.filters[d]?.length ?? 0) > 0);
  const links = q.filters.link;
  if (dimensionFilters || q.bots === 'only' || !links || links.length === 0) return null;
  const rows = await queryRows<{ n: number }>(
    db,
    sql`select count(distinct visitor)::int as n from stats_visitors
        where day >= (${q.from.toISOString()}::timestamptz at time zone 'UTC')::date
          and day <= ((${q.to.toISOString()}::timestamptz - interval '1 microsecond') at time zone 'UTC')::date
          and link_id in (${sql.join(links.map((v) => sql`${Number(v)}`), sql`, `)})`,
  );
  return rows[0]?.n ?? 0;
}

/** The latest events of a link for the recent clicks panel: never an address. */
export async function recentEvents(db: Database, linkId: number, limit = 20) {
  return queryRows<{ at: string; kind: number; bot: boolean; platform: string; country: string; device: string }>(
    db,
    sql`select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at, kind, bot, platform, country, device
        from stats_events where link_id = ${linkId} order by at desc limit ${limit}`,
  );
}

/** Clicks per link in the last 24 hours and 30 days (humans only), for the link list. */
export async function linkClickCounts(db: Database, linkIds: number[], now = new Date()): Promise<Map<number, { day: number; month: number }>> {
  if (linkIds.length === 0) return new Map();
  const end = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000);
  const counts = (days: number) =>
    queryRows<{ value: string; clicks: string }>(
      db,
      sql`select s.value, sum(s.clicks)::text as clicks from (${linkSource({ from: new Date(end.getTime() - days * 86_400_000), to: end }, linkIds)}) s group by 1`,
    );
  const [day, month] = await Promise.all([counts(1), counts(30)]);
  const out = new Map<number, { day: number; month: number }>();
  for (const r of month) out.set(Number(r.value), { day: 0, month: num(r.clicks) });
  for (const r of day) out.set(Number(r.value), { day: num(r.clicks), month: out.get(Number(r.value))?.month ?? num(r.clicks) });
  return out;
}
