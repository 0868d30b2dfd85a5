import { z } from 'zod';
import { DIMENSIONS, INTERVALS, type Dimension, type StatsQuery } from './query.ts';
import { isTimeZone, parseInstant } from './zoned-time.ts';

const DAY_MS = 86_400_000;
const MAX_BUCKETS = 10_000;
const FILTERS = DIMENSIONS;
const list = (what: string) => z.string().max(2_000).optional().meta({ description: `Only ${what}; several values comma-separated` });

/** The query parameters of `GET /api/v1/stats` (and the CLI's flags). */
export const statsQuerySchema = z.object({
  from: z.string().optional().meta({ description: '`YYYY-MM-DD` (midnight in `timezone`) or an ISO date-time with offset; default 30 days before `to`' }),
  to: z.string().optional().meta({ description: '`YYYY-MM-DD` (that whole day) or an ISO date-time with offset, exclusive; default now' }),
  interval: z.enum(INTERVALS, `must be one of ${INTERVALS.join(', ')}`).default('day').meta({ description: 'Bucket of the time series' }),
  timezone: z.string().max(64).default('UTC').meta({ description: 'IANA time zone the buckets and dates are in, e.g. Asia/Tokyo' }),
  group_by: z.enum(DIMENSIONS, `must be one of ${DIMENSIONS.join(', ')}`).optional().meta({ description: 'Dimension of the top-N list' }),
  bots: z.enum(['exclude', 'include', 'only'], 'must be exclude, include or only').default('exclude').meta({ description: 'Bot traffic (the worker’s bot flag)' }),
  limit: z.coerce.number('must be a whole number').int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(10),
  metric: z.enum(['clicks', 'conversions'], 'must be clicks or conversions').default('clicks').meta({
    description: '`conversions`: app events (installs, purchases, ...) tied to their clicks instead of clicks; filters link, campaign, network, platform, country and `event`',
  }),
  event: list('these event names, with metric=conversions (e.g. install, purchase)'),
  format: z.enum(['json', 'csv'], 'must be json or csv').default('json').meta({ description: '`csv`: the group rows with `group_by`, else the time series' }),
  link: list('these links (id or slug)'),
  campaign: list('clicks of these campaigns (as at click time)'),
  network: list('these networks'),
  country: list('these ISO country codes'),
  platform: list('these platforms chosen at click time (ios, android, web)'),
  device: list('these device types (smartphone, tablet, desktop, ...)'),
  os: list('these operating systems'),
  browser: list('these browsers'),
  referrer: list('these referrer hosts'),
});

export type ParsedQuery = z.infer<typeof statsQuerySchema>;
export type Built = { query: StatsQuery } | { field: string; message: string; status: 400 | 404 };

/** Turns validated parameters into a query: dates in the zone, links by id or slug. Shared by the API and the CLI. */
export async function buildStatsQuery(input: ParsedQuery, findLink: (ref: string) => Promise<{ id: number } | null | undefined>, now: Date): Promise<Built> {
  if (!isTimeZone(input.timezone)) return { field: 'timezone', message: 'must be an IANA time zone such as Europe/Berlin', status: 400 };
  const to = input.to === undefined ? now : parseInstant(input.to, input.timezone, true);
  if (!to) return { field: 'to', message: 'must be YYYY-MM-DD or an ISO date-time with offset', status: 400 };
  const from = input.from === undefined ? new Date(to.getTime() - 30 * DAY_MS) : parseInstant(input.from, input.timezone);
  if (!from) return { field: 'from', message: 'must be YYYY-MM-DD or an ISO date-time with offset', status: 400 };
  if (from.getTime() >= to.getTime()) return { field: 'from', message: 'must be before to', status: 400 };
  const bucketMs = { hour: 3_600_000, day: DAY_MS, week: 7 * DAY_MS, month: 28 * DAY_MS }[input.interval];
  if ((to.getTime() - from.getTime()) / bucketMs > MAX_BUCKETS) {
    return { field: 'interval', message: `gives more than ${MAX_BUCKETS} buckets for this range; use a longer interval`, status: 400 };
  }
  const filters: Partial<Record<Dimension, string[]>> = {};
  for (const dim of FILTERS) {
    const raw = input[dim];
    if (raw === undefined || raw === '') continue;
    filters[dim] = raw.split(',').map((v) => v.trim());
  }
  if (filters.link) {
    const ids: string[] = [];
    for (const ref of filters.link) {
      const link = await findLink(ref);
      if (!link) return { field: 'link', message: `no link with id or slug ${JSON.stringify(ref)}`, status: 404 };
      ids.push(String(link.id));
    }
    filters.link = ids;
  }
  return {
    query: { from, to, interval: input.interval, timezone: input.timezone, groupBy: input.group_by, filters, bots: input.bots, limit: input.limit },
  };
}

