import { LINK_BLOCK_LEVELS } from './link-blocks.ts';
import { KIND_CLICK } from './stats-schema.ts';
import type { StatsEvent } from './stats-event.ts';

/** The four counts the rollups without every dimension keep. */
export interface Counts {
  clicks: number;
  impressions: number;
  botClicks: number;
  botImpressions: number;
}

export interface HourlyRow {
  /** One event of the row: its link, kind, bot flag and dimensions are the row's. */
  event: StatsEvent;
  /** Unix seconds of the UTC hour. */
  hour: number;
  count: number;
}

export interface BlockRow extends Counts {
  level: number;
  /** Unix seconds the block starts at. */
  start: number;
  linkId: number;
}

export interface DimRow extends Counts {
  dim: string;
  hour: number;
  value: string;
}

export interface VisitorRow {
  linkId: number;
  /** Days since 1970-01-01 (UTC). */
  day: number;
  visitor: bigint;
}

/** What a batch adds to each rollup: one row per key, in a fixed order (see `rollUp`). */
export interface BatchRollups {
  hourly: HourlyRow[];
  blocks: BlockRow[];
  dims: DimRow[];
  visitors: VisitorRow[];
}

const HOUR_S = 3600;
const DAY_S = 86_400;

/** The dimensions of `stats_dims_hourly`; '' is the total. */
export const DIMENSIONS = ['', 'platform', 'country', 'device', 'os', 'browser', 'referrer', 'campaign', 'network'] as const;
type Dimension = (typeof DIMENSIONS)[number];
const dimValue = (e: StatsEvent, dim: Dimension): string => (dim === '' ? '' : e[dim]);

// Text in a map key is length-prefixed, so no value (whatever it holds) can run into the next.
const part = (s: string) => `${s.length}:${s}`;

function addTo(counts: Counts, e: StatsEvent, n: number): void {
  if (e.kind === KIND_CLICK) {
    if (e.bot) counts.botClicks += n;
    else counts.clicks += n;
  } else if (e.bot) counts.botImpressions += n;
  else counts.impressions += n;
}

function get<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

const zero = (): Counts => ({ clicks: 0, impressions: 0, botClicks: 0, botImpressions: 0 });
const cmp = <T extends string | number | bigint>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A batch's events (new ones only) grouped into the rows each rollup gains, in JavaScript, so
 * Postgres upserts a few rows instead of grouping every event nine times over. Each list is
 * sorted by its table's key, so two consumers that upsert the same rows lock them in the same
 * order (a deadlock would cost a rerun of the transaction).
 */
export function rollUp(events: readonly StatsEvent[]): BatchRollups {
  const hourly = new Map<string, HourlyRow>();
  for (const e of events) {
    const hour = e.ts - (e.ts % HOUR_S);
    const key = `${e.linkId},${hour},${e.kind},${e.bot ? 1 : 0}${part(e.platform)}${part(e.country)}${part(e.device)}${part(e.os)}${part(e.browser)}${part(e.referrer)}${part(e.campaign)}${part(e.network)}`;
    get(hourly, key, () => ({ event: e, hour, count: 0 })).count++;
  }
  const hourlyRows = [...hourly.values()];

  // Blocks: per link and hour first, then each link-hour into its block on every level.
  const linkHours = new Map<string, BlockRow>();
  for (const row of hourlyRows) {
    addTo(get(linkHours, `${row.event.linkId},${row.hour}`, () => ({ level: 0, start: row.hour, linkId: row.event.linkId, ...zero() })), row.event, row.count);
  }
  const blocks = new Map<string, BlockRow>();
  for (const h of linkHours.values()) {
    for (const level of LINK_BLOCK_LEVELS) {
      const size = HOUR_S * 2 ** level;
      const start = h.start - (h.start % size);
      const block = get(blocks, `${level},${start},${h.linkId}`, () => ({ level, start, linkId: h.linkId, ...zero() }));
      block.clicks += h.clicks;
      block.impressions += h.impressions;
      block.botClicks += h.botClicks;
      block.botImpressions += h.botImpressions;
    }
  }

  const dims = new Map<string, DimRow>();
  for (const row of hourlyRows) {
    for (const dim of DIMENSIONS) {
      const value = dimValue(row.event, dim);
      addTo(get(dims, `${row.hour},${dim},${value}`, () => ({ dim, hour: row.hour, value, ...zero() })), row.event, row.count);
    }
  }

  const visitors = new Map<string, VisitorRow>();
  for (const e of events) {
    if (e.visitor === null) continue;
    const day = Math.floor(e.ts / DAY_S);
    get(visitors, `${e.linkId},${day},${e.visitor}`, () => ({ linkId: e.linkId, day, visitor: e.visitor as bigint }));
  }

  return {
    hourly: hourlyRows.sort(compareHourly),
    blocks: [...blocks.values()].sort((a, b) => a.level - b.level || a.start - b.start || a.linkId - b.linkId),
    dims: [...dims.values()].sort((a, b) => cmp(a.dim, b.dim) || a.hour - b.hour || cmp(a.value, b.value)),
    visitors: [...visitors.values()].sort((a, b) => a.linkId - b.linkId || a.day - b.day || cmp(a.visitor, b.visitor)),
  };
}

function compareHourly(x: HourlyRow, y: HourlyRow): number {
  const a = x.event;
  const b = y.event;
  return (
    a.linkId - b.linkId ||
    x.hour - y.hour ||
    a.kind - b.kind ||
    Number(a.bot) - Number(b.bot) ||
    cmp(a.platform, b.platform) ||
    cmp(a.country, b.country) ||
    cmp(a.device, b.device) ||
    cmp(a.os, b.os) ||
    cmp(a.browser, b.browser) ||
    cmp(a.referrer, b.referrer) ||
    cmp(a.campaign, b.campaign) ||
    cmp(a.network, b.network)
  );
}
