import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { queryRows } from './sql-rows.ts';

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
/** Dimensions a query can group or filter by; each is a column of `stats_hourly`. */
export const DIMENSIONS = ['link', 'platform', 'country', 'device', 'os', 'browser', 'referrer', 'campaign', 'network'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type BotFilter = 'exclude' | 'include' | 'only';

export interface StatsQuery {
  from: Date;
  to: Date;
  interval: Interval;
  timezone: string;
  groupBy?: Dimension | undefined;
  /** Exact values per dimension; a list means any of them. `link` holds link ids. */
  filters: Partial<Record<Dimension, string[]>>;
  bots: BotFilter;
  limit: number;
}

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

const COLUMNS: Record<Dimension, SQL> = {
  link: sql.raw('h.link_id'),
  platform: sql.raw('h.platform'),
  country: sql.raw('h.country'),
  device: sql.raw('h.device'),
  os: sql.raw('h.os'),
  browser: sql.raw('h.browser'),
  referrer: sql.raw('h.referrer'),
  campaign: sql.raw('h.campaign'),
  network: sql.raw('h.network'),
};

function where(q: StatsQuery, bots: BotFilter = q.bots): SQL {
  const parts: SQL[] = [sql`h.hour >= ${q.from.toISOString()}::timestamptz`, sql`h.hour < ${q.to.toISOString()}::timestamptz`];
  if (bots === 'exclude') parts.push(sql`not h.bot`);
  if (bots === 'only') parts.push(sql`h.bot`);
  for (const dim of DIMENSIONS) {
    const values = q.filters[dim];
    if (!values || values.length === 0) continue;
    parts.push(dim === 'link' ? sql`h.link_id in (${sql.join(values.map((v) => sql`${Number(v)}`), sql`, `)})` : sql`${COLUMNS[dim]} in (${sql.join(values.map((v) => sql`${v}`), sql`, `)})`);
  }
  return sql.join(parts, sql` and `);
}

const num = (v: string | number | null | undefined) => Number(v ?? 0);

/**
 * Buckets are truncated in the query's time zone (Postgres' `at time zone`), so a day in
 * Asia/Tokyo starts at 15:00 UTC and a DST day has 23 or 25 hours. Hours are stored in
 * UTC, so zones with a half-hour offset see their hour buckets 30 minutes shifted.
 */
export function bucket(q: StatsQuery): SQL {
  return q.interval === 'hour'
    ? sql`h.hour`
    : sql`(date_trunc(${q.interval}, h.hour at time zone ${q.timezone}) at time zone ${q.timezone})`;
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
  const [totals, series, groups, visitors] = await Promise.all([
    queryRows<{ clicks: string; impressions: string; bot_clicks: string }>(
      db,
      sql`select coalesce(sum(count) filter (where kind = 1 and ${q.bots === 'exclude' ? sql`not bot` : q.bots === 'only' ? sql`bot` : sql`true`}), 0)::text as clicks,
                 coalesce(sum(count) filter (where kind = 2 and ${q.bots === 'exclude' ? sql`not bot` : q.bots === 'only' ? sql`bot` : sql`true`}), 0)::text as impressions,
                 coalesce(sum(count) filter (where kind = 1 and bot), 0)::text as bot_clicks
          from stats_hourly h where ${where(q, 'include')}`,
    ),
    queryRows<{ start: string; local: string; clicks: string; impressions: string }>(
      db,
      sql`with counts as (
            select ${bucket(q)} as b, sum(count) filter (where kind = 1) as clicks, sum(count) filter (where kind = 2) as impressions
            from stats_hourly h where ${where(q)} group by 1)
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
  const rows = await queryRows<{ value: string; label: string | null; clicks: string; impressions: string }>(
    db,
    sql`with g as (
          select ${COLUMNS[dim]}::text as value, sum(count) filter (where kind = 1) as clicks, sum(count) filter (where kind = 2) as impressions
          from stats_hourly h where ${where(q)} group by 1)
        select g.value, ${dim === 'link' ? sql`l.slug` : sql`null`} as label, coalesce(g.clicks, 0)::text as clicks, coalesce(g.impressions, 0)::text as impressions
        from g ${dim === 'link' ? sql`left join campaign_links l on l.id = g.value::bigint` : sql``}
        order by coalesce(g.clicks, 0) desc, coalesce(g.impressions, 0) desc, g.value limit ${q.limit}`,
  );
  return rows.map((r) => ({ value: r.value, ...(r.label !== null ? { label: r.label } : {}), clicks: num(r.clicks), impressions: num(r.impressions) }));
}

/** Exact, from the per-day visitor rows (UTC days overlapping the period). */
async function uniqueVisitors(db: Database, q: StatsQuery): Promise<number | null> {
  const dimensionFilters = DIMENSIONS.some((d) => d !== 'link' && (q.filters[d]?.length ?? 0) > 0);
  if (dimensionFilters || q.bots === 'only') return null;
  const links = q.filters.link;
  const rows = await queryRows<{ n: number }>(
    db,
    sql`select count(distinct visitor)::int as n from stats_visitors
        where day >= (${q.from.toISOString()}::timestamptz at time zone 'UTC')::date
          and day <= ((${q.to.toISOString()}::timestamptz - interval '1 microsecond') at time zone 'UTC')::date
          ${links && links.length > 0 ? sql`and link_id in (${sql.join(links.map((v) => sql`${Number(v)}`), sql`, `)})` : sql``}`,
  );
  return rows[0]?.n ?? 0;
}

/** The latest events of a link for the recent clicks panel: never an address. */
export async function recentEvents(db: Database, linkId: number, limit = 20) {
  return queryRows<{ event_id: string; at: string; kind: number; bot: boolean; platform: string; country: string; device: string }>(
    db,
    sql`select event_id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at, kind, bot, platform, country, device
        from stats_events where link_id = ${linkId} order by at desc limit ${limit}`,
  );
}

/** Clicks per link in the last 24 hours and 30 days (humans only), for the link list. */
export async function linkClickCounts(db: Database, linkIds: number[], now = new Date()): Promise<Map<number, { day: number; month: number }>> {
  if (linkIds.length === 0) return new Map();
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  const monthAgo = new Date(now.getTime() - 30 * 86_400_000).toISOString();
  const rows = await queryRows<{ link_id: string; day: string; month: string }>(
    db,
    sql`select link_id::text, coalesce(sum(count) filter (where hour >= date_trunc('hour', ${dayAgo}::timestamptz)), 0)::text as day, sum(count)::text as month
        from stats_hourly where link_id in (${sql.join(linkIds.map((id) => sql`${id}`), sql`, `)})
          and hour >= date_trunc('hour', ${monthAgo}::timestamptz) and kind = 1 and not bot group by link_id`,
  );
  return new Map(rows.map((r) => [Number(r.link_id), { day: num(r.day), month: num(r.month) }]));
}
