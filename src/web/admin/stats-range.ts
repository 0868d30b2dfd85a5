import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Interval } from '../../stats/query.ts';
import { isTimeZone, parseInstant } from '../../stats/zoned-time.ts';

export const RANGES = ['24h', '7d', '30d', '90d'] as const;
export type RangeName = (typeof RANGES)[number] | 'custom';

export interface StatsRange {
  name: RangeName;
  from: Date;
  to: Date;
  interval: Interval;
  timezone: string;
  /** For the custom range form. */
  fromText: string;
  toText: string;
}

/** Set by admin-stats.js from the browser, so times show in the viewer's zone. */
export const TZ_COOKIE = 'ct_tz';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function viewerTimeZone(c: Context): string {
  const tz = c.req.query('tz') ?? getCookie(c, TZ_COOKIE) ?? 'UTC';
  return isTimeZone(tz) ? tz : 'UTC';
}

/** The period a stats page shows: a preset (`range=7d`) or `from`/`to` dates; 30 days by default. */
export function statsRange(c: Context, now = new Date()): StatsRange {
  const timezone = viewerTimeZone(c);
  const from = c.req.query('from') ? parseInstant(c.req.query('from') as string, timezone) : undefined;
  const to = c.req.query('to') ? parseInstant(c.req.query('to') as string, timezone, true) : undefined;
  if (from && to && from < to && to.getTime() - from.getTime() <= 400 * DAY) {
    const interval: Interval = to.getTime() - from.getTime() <= 2 * DAY ? 'hour' : 'day';
    return { name: 'custom', from, to, interval, timezone, fromText: c.req.query('from') ?? '', toText: c.req.query('to') ?? '' };
  }
  const name = (RANGES as readonly string[]).includes(c.req.query('range') ?? '') ? (c.req.query('range') as RangeName) : '30d';
  const end = new Date(Math.ceil(now.getTime() / HOUR) * HOUR);
  const days = { '24h': 1, '7d': 7, '30d': 30, '90d': 90, custom: 30 }[name];
  return {
    name,
    from: new Date(end.getTime() - days * DAY),
    to: end,
    interval: name === '24h' ? 'hour' : 'day',
    timezone,
    fromText: '',
    toText: '',
  };
}
