/** What a statistics query asks: period, buckets, time zone, group, filters and bots. */
export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
/** Dimensions a query can group or filter by; each is a column of `stats_hourly` (query-source.ts). */
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
