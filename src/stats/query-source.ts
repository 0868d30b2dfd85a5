import { sql, type SQL } from 'drizzle-orm';
import { blockCover } from './link-blocks.ts';
import { numberArray } from './pg-array.ts';
import { KIND_CLICK, KIND_IMPRESSION } from './stats-schema.ts';
import type { Dimension, StatsQuery } from './stats-query.ts';

/**
 * Where a query reads its counts: the smallest rollup that answers it. Every source is a
 * subquery with the same columns (`hour`, `value`, `clicks`, `impressions`, `bot_clicks`,
 * `bot_impressions`), already cut to [from, to) and the filters, so the totals, series and
 * group queries are written once.
 *
 * - no link filter, and at most one other dimension that is both filter and group:
 *   `stats_dims_hourly` (a few hundred rows an hour, whatever the number of links);
 * - the top links without other filters: `stats_link_blocks`, aligned blocks of hours whose
 *   signed sum is the period (exact in any time zone: a day in Tokyo is not a UTC day), its
 *   single hours from `stats_hourly`;
 * - anything else (a link filter, or two dimensions): `stats_hourly`, whose key starts
 *   with the link.
 */
export const COLUMNS: Record<Dimension, string> = {
  link: 'link_id',
  platform: 'platform',
  country: 'country',
  device: 'device',
  os: 'os',
  browser: 'browser',
  referrer: 'referrer',
  campaign: 'campaign',
  network: 'network',
};

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const inList = (column: SQL, values: string[], asNumber: boolean) =>
  sql`${column} in (${sql.join(
    values.map((v) => (asNumber ? sql`${Number(v)}` : sql`${v}`)),
    sql`, `,
  )})`;

function filteredDims(q: StatsQuery): Dimension[] {
  return (Object.keys(q.filters) as Dimension[]).filter((d) => (q.filters[d]?.length ?? 0) > 0);
}

/**
 * `stats_hourly` when the dimensions a query reads are the link alone, else the view that joins
 * each row's texts (`stats_hourly_dims`, migration 0013): the join only where a text is read.
 */
export function hourlyTable(dims: readonly Dimension[]): SQL {
  return dims.some((d) => d !== 'link') ? sql`stats_hourly_dims` : sql`stats_hourly`;
}

/** From `stats_hourly` (every dimension, per link): answers any query. */
function hourlySource(q: StatsQuery, groupBy: Dimension | undefined, period: SQL = sql`h.hour >= ${iso(q.from)} and h.hour < ${iso(q.to)}`): SQL {
  const parts = [period];
  for (const dim of filteredDims(q)) parts.push(inList(sql.raw(`h.${COLUMNS[dim]}`), q.filters[dim] as string[], dim === 'link'));
  // Link ids stay numbers until the groups are cut: cheaper to hash than their text.
  const value = groupBy === 'link' ? sql`h.link_id` : groupBy ? sql.raw(`h.${COLUMNS[groupBy]}`) : sql`''`;
  return sql`select h.hour, ${value} as value,
      case when h.kind = 1 and not h.bot then h.count else 0 end as clicks, case when h.kind = 2 and not h.bot then h.count else 0 end as impressions,
      case when h.kind = 1 and h.bot then h.count else 0 end as bot_clicks, case when h.kind = 2 and h.bot then h.count else 0 end as bot_impressions
    from ${hourlyTable([...filteredDims(q), ...(groupBy ? [groupBy] : [])])} h where ${sql.join(parts, sql` and `)}`;
}

function dimsSource(q: StatsQuery, dim: Dimension | undefined): SQL {
  const values = dim ? q.filters[dim] : undefined;
  return sql`select d.hour, d.value, d.clicks, d.impressions, d.bot_clicks, d.bot_impressions from stats_dims_hourly d
    where d.dim = ${dim ?? ''} and d.hour >= ${iso(q.from)} and d.hour < ${iso(q.to)}
      ${values && values.length > 0 ? sql`and ${inList(sql`d.value`, values, false)}` : sql``}`;
}

/**
 * Per-link counts over the period from `stats_link_blocks`: the blocks whose signed sum is
 * exactly its hours (link-blocks.ts), about ten per link for 30 days in any time zone, the
 * single hours among them (at the period's ends) summed from `stats_hourly`. `hour` is the
 * block's start, so this source serves groups only.
 */
export function linkSource(q: Pick<StatsQuery, 'from' | 'to'>, linkIds?: readonly number[]): SQL {
  const cover = blockCover(q.from, q.to);
  const blocks = cover.filter((b) => b.level > 0);
  const hours = cover.filter((b) => b.level === 0);
  const parts: SQL[] = [];
  const only = (column: SQL) => (linkIds ? sql`where ${inList(column, linkIds.map(String), true)}` : sql``);
  if (blocks.length > 0) {
    // A join with the list of blocks: one index range of the key (level, start, link_id) each.
    // Some blocks are subtracted (sign -1): the sums come out exact.
    const list = sql.join(blocks.map((b) => sql`(${b.level}::smallint, ${iso(b.start)}, ${b.sign}::int)`), sql`, `);
    parts.push(sql`select l.start as hour, l.link_id as value, c.sign * l.clicks as clicks, c.sign * l.impressions as impressions,
      c.sign * l.bot_clicks as bot_clicks, c.sign * l.bot_impressions as bot_impressions
    from (values ${list}) as c(level, start, sign) join stats_link_blocks l on l.level = c.level and l.start = c.start
    ${only(sql`l.link_id`)}`);
  }
  if (hours.length > 0) {
    const list = sql.join(hours.map((b) => sql`(${iso(b.start)}, ${b.sign}::int)`), sql`, `);
    // Each row signed as it comes: the outer sums add them up with the blocks' rows.
    const count = (kind: number, bot: boolean) => sql`c.sign * case when h.kind = ${sql.raw(String(kind))} and ${bot ? sql`h.bot` : sql`not h.bot`} then h.count else 0 end`;
    // For a list of links, each link's hour is one range of stats_hourly's key (link, hour),
    // whatever plan a prepared statement settles on; for all links, each hour is one range of
    // its hour index.
    const rows = linkIds
      ? sql`unnest(${numberArray(linkIds)}::bigint[]) as k(link_id) cross join (values ${list}) as c(start, sign)
          join stats_hourly h on h.link_id = k.link_id and h.hour = c.start`
      : sql`(values ${list}) as c(start, sign) join stats_hourly h on h.hour = c.start`;
    parts.push(sql`select h.hour, h.link_id as value, ${count(KIND_CLICK, false)} as clicks, ${count(KIND_IMPRESSION, false)} as impressions,
      ${count(KIND_CLICK, true)} as bot_clicks, ${count(KIND_IMPRESSION, true)} as bot_impressions
    from ${rows}`);
  }
  if (parts.length === 0) {
    return sql`select null::timestamptz as hour, 0::bigint as value, 0::bigint as clicks, 0::bigint as impressions, 0::bigint as bot_clicks, 0::bigint as bot_impressions where false`;
  }
  return sql.join(parts, sql` union all `);
}

/**
 * The source for one part of a query: `groupBy` is the dimension whose values come back as
 * `value` (none for the totals and the series). Sources without the hour of every count
 * (`stats_link_blocks`) are only chosen for groups.
 */
export function statsSource(q: StatsQuery, groupBy: Dimension | undefined): SQL {
  const filtered = filteredDims(q);
  if (!filtered.includes('link')) {
    if (filtered.length === 0 && groupBy === 'link') return linkSource(q);
    if (groupBy !== 'link' && filtered.length <= 1 && (filtered.length === 0 || groupBy === undefined || groupBy === filtered[0])) {
      return dimsSource(q, groupBy ?? filtered[0]);
    }
  }
  return hourlySource(q, groupBy);
}
