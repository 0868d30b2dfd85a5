import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { DELAY_BUCKET_LABELS, DELAY_BUCKETS_S } from './conversion-event.ts';
import { bucket, buckets, type Dimension, type StatsQuery } from './query.ts';
import { hourlyTable } from './query-source.ts';
import { queryRows } from './sql-rows.ts';

/** Dimensions conversions are kept by (a subset of the clicks'). */
export const CONVERSION_DIMENSIONS = ['link', 'campaign', 'network', 'platform', 'country'] as const satisfies readonly Dimension[];
export type ConversionDimension = (typeof CONVERSION_DIMENSIONS)[number];

export interface ConversionQuery extends StatsQuery {
  /** Event names to count; none: every event. */
  events?: string[] | undefined;
}

export interface ConversionTotals {
  conversions: number;
  /** Of which no click was found for. */
  organic: number;
  /** Human clicks in the same period and filters. */
  clicks: number;
  /** Attributed conversions / human clicks; null without clicks. */
  conversion_rate: number | null;
  revenue: { currency: string; amount: string }[];
  by_event: { event: string; conversions: number; attributed: number }[];
}

export interface ConversionGroup {
  value: string;
  label?: string;
  conversions: number;
  clicks: number;
  conversion_rate: number | null;
}

export interface DelayHistogram {
  network: string;
  total: number;
  buckets: { bucket: string; le_seconds: number | null; count: number }[];
}

export interface ConversionResult {
  totals: ConversionTotals;
  series: { start: string; local: string; conversions: number }[];
  groups: ConversionGroup[];
  delays: DelayHistogram[];
}

const COLUMNS: Record<ConversionDimension, string> = { link: 'link_id', campaign: 'campaign', network: 'network', platform: 'platform', country: 'country' };
const num = (v: string | number | null | undefined) => Number(v ?? 0);
const rate = (conversions: number, clicks: number) => (clicks === 0 ? null : Math.round((conversions / clicks) * 10_000) / 10_000);

/** The dimensions a query filters by. */
const filtered = (q: ConversionQuery): ConversionDimension[] => CONVERSION_DIMENSIONS.filter((dim) => (q.filters[dim]?.length ?? 0) > 0);

/** Filters common to both tables (`s` is the alias of each): period and dimensions. */
function where(q: ConversionQuery, table: 'clicks' | 'conversions'): SQL {
  const parts: SQL[] = [sql`s.hour >= ${q.from.toISOString()}::timestamptz`, sql`s.hour < ${q.to.toISOString()}::timestamptz`];
  for (const dim of filtered(q)) {
    const values = q.filters[dim] as string[];
    const list = sql.join(values.map((v) => (dim === 'link' ? sql`${Number(v)}` : sql`${v}`)), sql`, `);
    parts.push(sql`s.${sql.raw(COLUMNS[dim])} in (${list})`);
  }
  if (table === 'clicks') parts.push(sql`s.kind = 1 and not s.bot`);
  else if (q.events && q.events.length > 0) parts.push(sql`s.event in (${sql.join(q.events.map((e) => sql`${e}`), sql`, `)})`);
  return sql.join(parts, sql` and `);
}

export async function queryConversions(db: Database, q: ConversionQuery): Promise<ConversionResult> {
  const w = where(q, 'conversions');
  const [totals, clicks, revenue, byEvent, series, groups, delays] = await Promise.all([
    queryRows<{ total: string; organic: string }>(
      db,
      sql`select coalesce(sum(count), 0)::text as total, coalesce(sum(count) filter (where link_id = 0), 0)::text as organic from stats_conversions s where ${w}`,
    ),
    queryRows<{ n: string }>(db, sql`select coalesce(sum(count), 0)::text as n from ${hourlyTable(filtered(q))} s where ${where(q, 'clicks')}`),
    queryRows<{ currency: string; amount: string }>(
      db,
      sql`select currency, trim_scale(sum(revenue))::text as amount from stats_conversions s where ${w} and currency <> '' group by currency order by sum(revenue) desc`,
    ),
    queryRows<{ event: string; n: string; attributed: string }>(
      db,
      sql`select event, sum(count)::text as n, coalesce(sum(count) filter (where link_id <> 0), 0)::text as attributed
          from stats_conversions s where ${w} group by event order by sum(count) desc, event limit 50`,
    ),
    queryRows<{ start: string; local: string; n: string }>(
      db,
      sql`with counts as (select ${bucket(q)} as b, sum(count) as n from stats_conversions s where ${w} group by 1)
          select to_char(s.b at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as start,
                 to_char(s.b at time zone ${q.timezone}, 'YYYY-MM-DD"T"HH24:MI') as local, coalesce(c.n, 0)::text as n
          from ${buckets(q)} as s(b) left join counts c on c.b = s.b order by s.b`,
    ),
    q.groupBy && (CONVERSION_DIMENSIONS as readonly string[]).includes(q.groupBy) ? conversionGroups(db, q, q.groupBy as ConversionDimension) : Promise.resolve([]),
    conversionDelays(db, q),
  ]);
  const total = num(totals[0]?.total);
  const organic = num(totals[0]?.organic);
  const humanClicks = num(clicks[0]?.n);
  return {
    totals: {
      conversions: total,
      organic,
      clicks: humanClicks,
      conversion_rate: rate(total - organic, humanClicks),
      revenue,
      by_event: byEvent.map((r) => ({ event: r.event, conversions: num(r.n), attributed: num(r.attributed) })),
    },
    series: series.map((r) => ({ start: r.start, local: r.local, conversions: num(r.n) })),
    groups,
    delays,
  };
}

/** Click-to-event time per network, as histogram buckets. */
export async function conversionDelays(db: Database, q: ConversionQuery): Promise<DelayHistogram[]> {
  const rows = await queryRows<{ network: string; bucket: number; n: string }>(
    db,
    sql`select network, delay_bucket as bucket, sum(count)::text as n from stats_conversions s where ${where(q, 'conversions')} and delay_bucket >= 0 group by 1, 2 order by 1, 2`,
  );
  const byNetwork = new Map<string, number[]>();
  for (const r of rows) {
    const counts = byNetwork.get(r.network) ?? new Array<number>(DELAY_BUCKET_LABELS.length).fill(0);
    counts[r.bucket] = (counts[r.bucket] ?? 0) + num(r.n);
    byNetwork.set(r.network, counts);
  }
  return [...byNetwork]
    .map(([network, counts]) => ({
      network,
      total: counts.reduce((a, b) => a + b, 0),
      buckets: DELAY_BUCKET_LABELS.map((label, i) => ({ bucket: label, le_seconds: DELAY_BUCKETS_S[i] ?? null, count: counts[i] ?? 0 })),
    }))
    .sort((a, b) => b.total - a.total || (a.network < b.network ? -1 : 1));
}

/** Top groups by attributed conversions (organic ones belong to no link, campaign or network), each with its human clicks and rate. */
export async function conversionGroups(db: Database, q: ConversionQuery, dim: ConversionDimension): Promise<ConversionGroup[]> {
  const col = sql.raw(`s.${COLUMNS[dim]}`);
  const rows = await queryRows<{ value: string; label: string | null; conversions: string; clicks: string }>(
    db,
    sql`with conv as (
          select ${col}::text as value, sum(count) as n from stats_conversions s where ${where(q, 'conversions')} and s.link_id <> 0
          group by 1 order by 2 desc, 1 limit ${q.limit}),
        clk as (
          select ${col}::text as value, sum(count) as n from ${hourlyTable([...filtered(q), dim])} s
          where ${where(q, 'clicks')} and ${col}::text in (select value from conv) group by 1)
        select conv.value, ${dim === 'link' ? sql`l.slug` : sql`null`} as label, conv.n::text as conversions, coalesce(clk.n, 0)::text as clicks
        from conv left join clk on clk.value = conv.value
        ${dim === 'link' ? sql`left join campaign_links l on l.id = conv.value::bigint` : sql``}
        order by conv.n desc, conv.value`,
  );
  return rows.map((r) => {
    const conversions = num(r.conversions);
    const clicks = num(r.clicks);
    return { value: r.value, ...(r.label !== null ? { label: r.label } : {}), conversions, clicks, conversion_rate: rate(conversions, clicks) };
  });
}

/** The latest conversions of a link, for its page. */
export async function recentConversions(db: Database, linkId: number, limit = 15) {
  return queryRows<{ message_id: string; at: string; event: string; match: string; revenue: string | null; currency: string | null; platform: string; country: string }>(
    db,
    sql`select message_id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at, event, match, trim_scale(revenue)::text as revenue, currency, platform, country
        from stats_conversion_events where link_id = ${linkId} order by at desc limit ${limit}`,
  );
}
